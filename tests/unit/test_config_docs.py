"""The settings as documented: ``.env.example`` and the README's "Configuration" table name
every setting, no other, each with the default the settings really have.

``.env.example``'s convention: every ``TURNOUT_X=value`` line, commented out or not, shows the
setting's default; an empty value means not set. The README's table shows a default as code
(`` `24h,2h` ``); a default in words ("none", "not set") means not set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from turnout.config import Settings, load_settings, setting_names

ROOT = Path(__file__).resolve().parents[2]
ENV_LINE = re.compile(r"^#?\s*(TURNOUT_\w+)=(.*)$")
TABLE_ROW = re.compile(r"^\| `(TURNOUT_\w+)` \| ([^|]*) \|")
MENTION = re.compile(r"\bTURNOUT_[A-Z][A-Z_]*[A-Z]\b")
TYPOS = {"TURNOUT_OWNER_ID"}
"""Names the README gives as examples of a misspelled setting."""


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    found = [match.groups() for line in lines if (match := ENV_LINE.match(line.strip()))]
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), f"a setting is in .env.example twice: {names}"
    return {name: value.strip() for name, value in found}


def readme_table() -> dict[str, str]:
    section = configuration_section()
    found = [match.groups() for line in section.splitlines() if (match := TABLE_ROW.match(line))]
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), f"a setting is in the README's table twice: {names}"
    return {name: cell.strip() for name, cell in found}


def configuration_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Configuration\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def readme_default(cell: str) -> str:
    """`` `25` `` is 25; words ("none", "not set", "random per start") say it is not set."""
    code = re.match(r"`([^`]*)`", cell)
    return code.group(1) if code else ""


def as_read(name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """The value as the settings read it from the environment: ``25`` and ``25.0``, ``24h,2h``
    and two timedeltas, an empty string and None are compared as the bot sees them."""
    with monkeypatch.context() as patch:
        patch.setenv(name, value)
        return getattr(load_settings(), field(name))


def field(name: str) -> str:
    return name.removeprefix("TURNOUT_").lower()


def test_env_example_names_every_setting_and_no_other() -> None:
    assert sorted(env_example()) == sorted(setting_names())


def test_readme_table_names_every_setting_and_no_other() -> None:
    assert sorted(readme_table()) == sorted(setting_names())


@pytest.mark.parametrize("name", setting_names())
def test_env_example_shows_the_default(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    documented = env_example()
    assert name in documented, f"{name} is not in .env.example"
    value = documented[name]
    assert as_read(name, value, monkeypatch) == getattr(Settings(), field(name)), (
        f".env.example: {name}={value}"
    )


@pytest.mark.parametrize("name", setting_names())
def test_readme_table_shows_the_default(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    documented = readme_table()
    assert name in documented, f"{name} is not in the README's table"
    cell = documented[name]
    value = readme_default(cell)
    assert as_read(name, value, monkeypatch) == getattr(Settings(), field(name)), (
        f"README: {name} | {cell}"
    )


@pytest.mark.parametrize("document", ["README.md", ".env.example", "SECURITY.md", "docs"])
def test_every_setting_mentioned_exists(document: str) -> None:
    path = ROOT / document
    files = sorted(path.glob("*.md")) if path.is_dir() else [path]
    known = set(setting_names()) | TYPOS
    for file in files:
        mentioned = set(MENTION.findall(file.read_text(encoding="utf-8")))
        assert mentioned <= known, f"{file.name} mentions {sorted(mentioned - known)}"
