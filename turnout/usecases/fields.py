"""The rules of what people type into an action's fields, a reason or a report: once, for
/newaction, /propose, the Edit menu and the review. Pure: each rule returns the value to store
or raises ``Invalid`` with the message that says what is expected."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from turnout.config import parse_duration
from turnout.limits import (
    CAMPAIGN_NAME_CHARACTERS,
    DESCRIPTION_CHARACTERS,
    LONGEST_REMINDER,
    MOST_PEOPLE,
    PLACE_CHARACTERS,
    REASON_CHARACTERS,
    TITLE_CHARACTERS,
)
from turnout.usecases.errors import Invalid

#: What an organiser types to clear a field or turn something off.
NONE_WORDS = frozenset({"-", "0", "none", "no", "off"})


@dataclass(frozen=True, slots=True)
class Spot:
    """Where an action is: a place name, a point on the map, or both. ``place`` None keeps the
    name there is (a location shared alone moves the pin, not the name)."""

    place: str | None
    latitude: float | None = None
    longitude: float | None = None


def title(text: str) -> str:
    text = text.strip()
    if not visible(text) or len(text) > TITLE_CHARACTERS:
        raise Invalid("newaction.bad_title", count=TITLE_CHARACTERS)
    return text


def description(text: str, *, dash_clears: bool = False) -> str:
    """A description may be empty; in the Edit menu "-" clears it."""
    text = text.strip()
    if len(text) > DESCRIPTION_CHARACTERS:
        raise Invalid("newaction.bad_description", count=DESCRIPTION_CHARACTERS)
    return "" if dash_clears and text == "-" else text


def place_name(text: str) -> str:
    """Where people meet, in words: "The old bridge, north side"."""
    text = text.strip()
    if not visible(text) or len(text) > PLACE_CHARACTERS:
        raise Invalid("propose.bad_meeting_point", count=PLACE_CHARACTERS)
    return text


def venue(title_: str, address: str) -> str:
    """A venue Telegram sent (a named place on the map) as one line."""
    return f"{title_}, {address}".strip(", ")[:PLACE_CHARACTERS]


def capacity(text: str, *, may_clear: bool = False) -> int | None:
    """How many may come: a whole number; with ``may_clear``, "-" or "0" for no limit."""
    text = text.strip()
    if may_clear and text.lower() in NONE_WORDS:
        return None
    number = _whole(text)
    if number is None or not 0 < number <= MOST_PEOPLE:
        raise Invalid("edit.bad_capacity" if may_clear else "newaction.bad_capacity")
    return number


def expected(text: str) -> int:
    """How many people a proposer expects."""
    number = _whole(text.strip())
    if number is None or not 0 < number <= MOST_PEOPLE:
        raise Invalid("propose.bad_expected")
    return number


def reminders(text: str, *, may_clear: bool = False) -> tuple[int, ...]:
    """Reminder offsets as minutes before, largest first: "24h, 2h" → (1440, 120); with
    ``may_clear``, "-" or "none" for no reminders."""
    text = text.strip()
    if may_clear and text.lower() in NONE_WORDS:
        return ()
    try:
        offsets = [parse_duration(part) for part in re.split(r"[,\s]+", text) if part]
    except ValueError:
        offsets = []
    if not offsets or max(offsets) > LONGEST_REMINDER:
        raise Invalid("newaction.bad_reminders", count=LONGEST_REMINDER.days)
    return minutes_before(offsets)


def minutes_before(offsets: list[timedelta] | tuple[timedelta, ...]) -> tuple[int, ...]:
    return tuple(sorted({int(o.total_seconds() // 60) for o in offsets}, reverse=True))


def reason(text: str) -> str | None:
    """A reviewer's reason, which the member reads; empty is no reason."""
    text = text.strip()
    if len(text) > REASON_CHARACTERS:
        raise Invalid("review.reason_too_long", count=REASON_CHARACTERS)
    return text or None


def campaign_name(text: str) -> str:
    text = " ".join(text.split())
    if not visible(text) or len(text) > CAMPAIGN_NAME_CHARACTERS:
        raise Invalid("campaign.bad_name", count=CAMPAIGN_NAME_CHARACTERS)
    return text


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: spaces, zero-width and other invisible characters
    alone would make an empty title on every card."""
    return any(unicodedata.category(char)[0] not in _INVISIBLE for char in text)


#: Unicode categories that show nothing: separators (Z*) and control or format characters (C*).
_INVISIBLE = frozenset("ZC")


def _whole(text: str) -> int | None:
    """ASCII digits only ("²" is a digit to Python, and int() refuses it), not too many."""
    if text.isascii() and text.isdigit() and len(text) <= 16:
        return int(text)
    return None
