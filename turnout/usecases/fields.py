"""The rules of what people type into an action's fields, a reason or a report: once, for
/newaction, /propose, the Edit menu and the review. Pure: each rule returns the value to store
or raises ``Invalid`` with the message that says what is expected."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from turnout.config import parse_duration
from turnout.limits import (
    CAMPAIGN_NAME_CHARACTERS,
    DESCRIPTION_CHARACTERS,
    LONGEST_ACTION,
    LONGEST_REMINDER,
    MOST_PEOPLE,
    PLACE_CHARACTERS,
    REASON_CHARACTERS,
    TITLE_CHARACTERS,
)
from turnout.scheduler.timeparse import Ambiguous, Parsed, Refused, parse_time
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


# -- when an action ends (README, "Action day") ---------------------------------------------


def end(text: str, starts_at: datetime, timezone: str) -> datetime:
    """When an action that starts at ``starts_at`` ends, as typed: how long it lasts ("2h",
    "90m", "1h30", "1.5h", "2 hours", "2 sata"), a clock time ("20:00", "8pm", "midnight": on
    the start's day in ``timezone``, or the next day when not later than the start, as for a
    vigil from 22:00 to 02:00), or a date and a time ("saturday 02:00"). It must come after the
    start, and at most ``LONGEST_ACTION`` after it."""
    words = _plain(text)
    if not words or len(words) > _END_CHARACTERS:
        raise Invalid("end.unreadable")
    moment = _clock_end(words, starts_at, timezone)
    if moment is None:
        lasting = _lasting(words)
        moment = None if lasting is None else starts_at + lasting
    if moment is None:
        moment = _dated_end(text, starts_at, timezone)
    return check_end(starts_at, moment)


def check_end(starts_at: datetime, ends_at: datetime) -> datetime:
    """``ends_at``, if an action that starts at ``starts_at`` may end then."""
    if ends_at <= starts_at:
        raise Invalid("end.not_after_start")
    if ends_at - starts_at > LONGEST_ACTION:
        raise Invalid("end.too_long", count=LONGEST_ACTION.days)
    return ends_at


#: Longer than any end anybody types: refused before the date parser reads it.
_END_CHARACTERS = 100
#: What may stand before a clock time: "until 20:00", "hasta las 20:00", "jusqu'à 20:00",
#: "do 20:00".
_UNTIL = (
    r"(?:(?:until|till|til|to|at|hasta(?:\s+las?)?|a\s+las?|jusqu['\u2019]?\s*[àa]|[àa]|do|до"
    r"|u|\u0443)\s+)?"  # Serbian "u" in Cyrillic
)
_CLOCK_END = re.compile(
    _UNTIL + r"(?:(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<half>[ap]\.?m\.?)?"
    r"|(?P<word>[^\W\d_]+))"
)
#: Clock times in words, in the five languages ("до поноћи": until midnight).
_CLOCK_WORDS = {
    **dict.fromkeys(
        ("midnight", "medianoche", "minuit", "поноћ", "поноћи", "ponoć", "ponoći", "ponoc",
         "ponoci"),
        time(0, 0),
    ),
    **dict.fromkeys(
        ("noon", "midday", "mediodía", "mediodia", "midi", "подне", "podne"), time(12, 0)
    ),
}  # fmt: skip
#: Units of a duration, in minutes, as the five languages write them.
_UNIT_MINUTES = {
    **dict.fromkeys(
        ("m", "min", "mins", "minute", "minutes", "minuto", "minutos", "minut", "minuta",
         "мин", "минут", "минута", "минуте"),
        1,
    ),
    **dict.fromkeys(
        ("h", "hr", "hrs", "hour", "hours", "hora", "horas", "heure", "heures", "sat", "sata",
         "sati", "č", "ч", "сат", "сата", "сати"),
        60,
    ),
    **dict.fromkeys(
        ("d", "day", "days", "día", "días", "dia", "dias", "jour", "jours", "j", "dan", "dana",
         "дан", "дана"),
        24 * 60,
    ),
}  # fmt: skip
#: One number and its unit of a duration: "2h", "1.5 hours", "30 minuta".
_PART = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*([^\W\d_]+)\.?")
#: Words and signs between the parts of a duration: "1 hour and 30 minutes", "1 sat i 30".
_JOINING = re.compile(r"(?<!\w)(?:and|y|et|i|и)(?!\w)|,(?=\s)|[&+]")
#: Hours and minutes without a unit for the minutes: "1h30".
_HOURS_MINUTES = re.compile(r"([0-9]{1,3})\s*(?:h|ч|č)\s*([0-9]{2})")


def _plain(text: str) -> str:
    """The text as compared: no invisible format characters, one case, single spaces."""
    shown = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(shown.casefold().split())


def _clock_end(words: str, starts_at: datetime, timezone: str) -> datetime | None:
    """A clock time, on the start's day or, when not later than the start, the next; None if
    ``words`` is no clock time (a bare "20" is none: hours or o'clock?)."""
    match = _CLOCK_END.fullmatch(words)
    if match is None:
        return None
    if match["word"] is not None:
        clock = _CLOCK_WORDS.get(match["word"])
        if clock is None:
            return None
    else:
        if match["minute"] is None and match["half"] is None:
            return None
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if match["half"]:
            if not 1 <= hour <= 12:
                raise Invalid("end.unreadable")
            hour = hour % 12 + (12 if match["half"].startswith("p") else 0)
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            raise Invalid("end.unreadable")
        clock = time(hour % 24, minute)
    zone = ZoneInfo(timezone)
    day = starts_at.astimezone(zone).date()
    moment = datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
    if moment <= starts_at:
        moment = datetime.combine(day + timedelta(days=1), clock, tzinfo=zone).astimezone(UTC)
    return moment


def _lasting(words: str) -> timedelta | None:
    """How long, from a duration in words; None if ``words`` is no duration."""
    if whole := _HOURS_MINUTES.fullmatch(words):
        if int(whole[2]) >= 60:
            return None
        minutes = float(int(whole[1]) * 60 + int(whole[2]))
    else:
        rest = _JOINING.sub(" ", words)
        minutes, position = 0.0, 0
        for part in _PART.finditer(rest):
            unit = _UNIT_MINUTES.get(part[2])
            if unit is None or rest[position : part.start()].strip():
                return None
            minutes += float(part[1].replace(",", ".")) * unit
            position = part.end()
        if position == 0 or rest[position:].strip():
            return None
    if minutes > LONGEST_ACTION.total_seconds() / 60:
        raise Invalid("end.too_long", count=LONGEST_ACTION.days)
    return timedelta(minutes=round(minutes))


def _dated_end(text: str, starts_at: datetime, timezone: str) -> datetime:
    """A date and a time ("saturday 02:00"), read from the start's own moment."""
    reading = parse_time(text.strip(), timezone, starts_at)
    if isinstance(reading, Parsed):
        return reading.at
    if isinstance(reading, Ambiguous):
        fitting = [o for o in reading.options if starts_at < o <= starts_at + LONGEST_ACTION]
        if len(fitting) == 1:
            return fitting[0]
        raise Invalid("end.ambiguous")
    assert isinstance(reading, Refused)
    if reading.reason == "past":
        raise Invalid("end.not_after_start")
    raise Invalid("end.unreadable")


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
