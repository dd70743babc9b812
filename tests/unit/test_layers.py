"""The package's import graph: no cycles between files or between subpackages (imports made
only for type checking, or inside a function, count too), and every import points down the
layers of docs/ARCHITECTURE.md."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import turnout

PACKAGE = Path(turnout.__file__).parent

#: From the top down; a module may import only from its own layer or those below it.
LAYERS: list[set[str]] = [
    {"__main__"},
    {"sandbox"},
    {"bot"},
    {"handlers"},
    {"usecases"},
    {"export"},
    {"views"},
    {"delivery", "scheduler"},
    {"places", "faces", "i18n", "permissions", "pseudonym", "limits", "scratch", "config"},
    {"storage"},
    {"__init__"},
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every turnout module ``path`` imports, wherever the import stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("turnout"):
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("turnout"):
                continue
            yield target
            for alias in node.names:
                # ``from turnout.handlers import report`` imports the module report.
                if (
                    (PACKAGE.parent / (target + "." + alias.name).replace(".", "/"))
                    .with_suffix(".py")
                    .exists()
                ):
                    yield f"{target}.{alias.name}"


def graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for target in imports_of(path):
            while target not in files and "." in target:
                target = target.rpartition(".")[0]
            # ``from . import builders`` names the package only to reach its module: every
            # module's package face is loaded before it anyway, so that is no edge.
            if target in files and target != name and not name.startswith(target + "."):
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def top_level(module: str) -> str:
    """The first-level part a module belongs to: ``turnout.handlers.common.x`` → handlers."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_of(module: str, depth: int) -> str:
    return ".".join(module.split(".")[: depth + 1])


def test_no_file_imports_itself_round_a_circle() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize("depth", [1, 2])
def test_no_subpackage_imports_itself_round_a_circle(depth: int) -> None:
    """Between ``turnout.bot`` and ``turnout.handlers``, and between the packages inside them
    (``turnout.handlers.common`` and the handlers beside it)."""
    packages: dict[str, set[str]] = {}
    for source, targets in graph().items():
        here = package_of(source, depth)
        packages.setdefault(here, set())
        for target in targets:
            there = package_of(target, depth)
            if (
                there != here
                and not here.startswith(there + ".")
                and not there.startswith(here + ".")
            ):
                packages[here].add(there)
    assert cycles(packages) == []


def rank(module: str) -> int:
    part = top_level(module)
    for level, names in enumerate(LAYERS):
        if part in names:
            return level
    raise AssertionError(f"{module} is in no layer: add {part!r} to LAYERS")


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in sorted(graph().items())
        for target in sorted(targets)
        if rank(target) < rank(source)
    ]
    assert upward == []


def test_storage_knows_neither_telegram_nor_the_settings() -> None:
    for path in (PACKAGE / "storage").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.startswith(("telegram", "turnout.config")) for name in names), path


def test_the_check_sees_imports() -> None:
    """Guards the tests above against a graph that silently finds nothing."""
    edges = graph()
    assert "turnout.handlers.common.context" in edges["turnout.handlers.report"]
    assert "turnout.handlers.report" in edges["turnout.handlers.start"]
