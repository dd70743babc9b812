"""Button data: every family fits Telegram's 64 bytes at its largest, reads back what it wrote,
refuses what it did not write, and has exactly one handler."""

from __future__ import annotations

import ast
import typing
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import turnout
from turnout.handlers.routes import HANDLERS, Button
from turnout.storage import Answer
from turnout.views.buttons import (
    FAMILIES,
    MAX_DATA,
    MAX_DIGITS,
    MAX_TEXT,
    ButtonData,
    ByPlace,
    ManageAction,
    PromptButton,
    ReviewReport,
    ReviewVerb,
    Rsvp,
    Short,
)


def largest(kind: Any) -> object:
    """The value of a field type that takes the most room as callback data."""
    if typing.get_origin(kind) is Annotated:
        inner, *extras = typing.get_args(kind)
        short = next(extra for extra in extras if isinstance(extra, Short))
        return "Z" * short.length if inner is str else largest(inner)
    if isinstance(kind, UnionType):
        return largest(next(arg for arg in typing.get_args(kind) if arg is not NoneType))
    if typing.get_origin(kind) is Literal:
        return max(typing.get_args(kind), key=len)
    if kind is int:
        return -(10**MAX_DIGITS - 1)
    if kind is str:
        return "Z" * MAX_TEXT
    if kind is bool:
        return True
    assert isinstance(kind, type) and issubclass(kind, StrEnum), kind
    return max(kind, key=lambda member: len(member.value))


def biggest(family: type[ButtonData]) -> ButtonData:
    hints = typing.get_type_hints(family, include_extras=True)
    return family(**{spec.name: largest(hints[spec.name]) for spec in fields(family)})  # type: ignore[call-arg]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.__name__)
def test_every_family_fits_telegrams_64_bytes_at_its_largest(family: type[ButtonData]) -> None:
    data = biggest(family).encode()
    assert len(data.encode()) <= MAX_DATA, data


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.__name__)
def test_every_family_reads_back_what_it_wrote(family: type[ButtonData]) -> None:
    button = biggest(family)
    assert family.decode(button.encode()) == button
    assert family.pattern().match(button.encode())


def test_prefixes_are_unique_and_no_pattern_takes_another_familys_data() -> None:
    assert len({family.prefix for family in FAMILIES}) == len(FAMILIES)
    for family in FAMILIES:
        data = biggest(family).encode()
        takers = [other for other in FAMILIES if other.pattern().match(data)]
        assert takers == [family], data


def test_every_family_has_exactly_one_handler() -> None:
    handled = [route.family for route in HANDLERS if isinstance(route, Button)]
    assert sorted(f.__name__ for f in handled) == sorted(f.__name__ for f in FAMILIES)


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "rsvp",
        "rsvp:1",
        "rsvp:1:going:extra",
        "rsvp:x:going",
        "rsvp:²:going",
        "rsvp:1:waitlisted:",
        "rsvp:1:GOING",
        "rsvp:12345678901234567:going",
        "rsvp:1:" + "g" * 70,
        "rsvpx:1:going",
        "act:1",
    ],
)
def test_forged_or_mangled_data_is_not_a_button(forged: str | None) -> None:
    assert Rsvp.decode(forged) is None


def test_optional_trailing_fields_may_be_left_out() -> None:
    """Older, shorter buttons of a family still read: ``plc`` is every country."""
    assert ByPlace.decode("plc") == ByPlace()
    assert ByPlace("RS").encode() == "plc:RS"
    assert ByPlace.decode("plc:RS:792680") == ByPlace("RS", 792680)
    assert ReviewReport.decode("rv:next:7") == ReviewReport(ReviewVerb.NEXT, 7, None)


def test_a_field_cannot_smuggle_a_colon_in() -> None:
    with pytest.raises(ValueError, match="colon"):
        PromptButton(1, "city:2").encode()


@given(action=st.integers(-(10**15), 10**15), answer=st.sampled_from(list(Answer)))
def test_any_rsvp_round_trips(action: int, answer: Answer) -> None:
    button = Rsvp(action, answer)
    assert Rsvp.decode(button.encode()) == button


@given(data=st.text(max_size=70))
def test_nothing_random_decodes_into_what_it_did_not_say(data: str) -> None:
    found = ManageAction.decode(data)
    assert found is None or found.encode() == data.rstrip(":") or data.startswith("org:")


def test_callback_data_is_written_only_by_the_button_families() -> None:
    """No module spells callback data by hand: only ``ButtonData.button`` sets it, and the
    two places that carry it unchanged between Telegram and the outbox."""
    package = Path(turnout.__file__).parent
    allowed = {"views/buttons.py", "views/reply.py", "delivery/wire.py", "sandbox"}
    writers = []
    for path in sorted(package.rglob("*.py")):
        where = str(path.relative_to(package))
        if where in allowed or where.startswith("sandbox/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "callback_data":
                writers.append(f"{where}:{node.value.lineno}")
    assert writers == []
