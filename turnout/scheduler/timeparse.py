"""Reading a time written in plain words ("tomorrow 18:00", "29.06.2027 17:30") in a timezone.

dateparser reads the words into a wall-clock time; the zone is applied here, with zoneinfo, so
that daylight-saving changes are handled exactly: a wall time that does not exist (the hour
skipped in spring) is refused with the nearest real times, and one that happens twice (the hour
repeated in autumn) comes back as both instants, for the organiser to choose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

# A clock time in the text (18:00, 18.00, 6pm, 6 pm, noon, midnight), or a time from now
# ("in 2 hours", "in 30 minutes").
_HAS_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b(?![.]\d)|\b\d{1,2}\s*(am|pm|a\.m\.|p\.m\.)|\bnoon\b|\bmidnight\b"
    r"|\bin\s+\d+\s*(m|min|mins|minutes?|h|hrs?|hours?)\b",
    re.IGNORECASE,
)
# Times of day written as words, in the five languages of the catalogs, each read as a clock
# time ("saturday evening" is "saturday 18:00"): the reading is shown back for confirmation, so
# a guess is corrected at once rather than refused. First the words that also name the day
# ("tonight": today), then the parts of the day; "afternoon" before "noon", which it contains.
# Spanish "mañana" alone is "tomorrow": only "por/de la mañana" is the morning.
_TODAY_AT = [
    (r"tonight", "today 21:00"),
    (r"this\s+morning", "today 09:00"),
    (r"this\s+afternoon", "today 15:00"),
    (r"this\s+evening", "today 18:00"),
    (r"esta\s+mañana", "hoy 09:00"),
    (r"esta\s+tarde", "hoy 15:00"),
    (r"esta\s+noche", "hoy 21:00"),
    (r"ce\s+matin", "aujourd'hui 09:00"),
    (r"cet\s+apr[eè]s-midi", "aujourd'hui 15:00"),
    (r"ce\s+soir", "aujourd'hui 18:00"),
    (r"cette\s+nuit", "aujourd'hui 21:00"),
    (r"јутрос", "данас 09:00"),
    (r"jutros", "danas 09:00"),
    (r"вечерас", "данас 18:00"),
    (r"ve[čc]eras", "danas 18:00"),
    (r"ноћас", "данас 21:00"),
    (r"no[ćc]as", "danas 21:00"),
]
_PART_OF_DAY = [
    ("15:00", ("(?:in\\s+the\\s+)?afternoon", "(?:l')?apr[eè]s-midi", "(?:por|de)\\s+la\\s+tarde",
               "поподне", "popodne")),
    ("12:00", ("(?:at\\s+)?(?:noon|midday)", "(?:a\\s+)?mediod[ií]a", "(?:à\\s+)?midi",
               "(?:у\\s+)?подне", "(?:u\\s+)?podne")),  # noqa: RUF001 - a Serbian preposition
    ("00:00", ("(?:a\\s+)?medianoche", "(?:à\\s+)?minuit",
               "(?:у\\s+)?поноћ", "(?:u\\s+)?pono[ćc]")),  # noqa: RUF001 - a Serbian preposition
    ("09:00", ("(?:in\\s+the\\s+)?morning", "(?:le\\s+)?matin", "(?:por|de)\\s+la\\s+mañana",
               "ујутру", "ујутро", "ujutru", "ujutro")),
    ("18:00", ("(?:in\\s+the\\s+)?evening", "(?:le\\s+)?soir", "увече", "uve[čc]e")),
    ("21:00", ("(?:at\\s+)?night", "(?:por|de)\\s+la\\s+noche", "ноћу", "no[ćc]u")),
]  # fmt: skip
_WORDS_OF_TIME = [
    (re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE), clock)
    for words, clock in _TODAY_AT + [("|".join(words), clock) for clock, words in _PART_OF_DAY]
]
# A clock time written with digits, to check that it is the one read: dateparser skips what it
# cannot read ("25:00") and falls back to the current time of day.
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\b(?![.]\d)\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_DOTTED = re.compile(r"\b(\d{1,2})[.](\d{2})\b(?![.]\d)")
# A numeric date with slashes, where day and month could be swapped: 06/07/2027.
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})(/\d{2,4})?\b")


@dataclass(frozen=True, slots=True)
class Parsed:
    """An unambiguous instant (UTC)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """The words fit more than one instant; ``options`` are the candidates, in time order."""

    options: tuple[datetime, ...]
    reason: str  # "dst_repeat" or "day_month"


@dataclass(frozen=True, slots=True)
class Refused:
    """Not a usable time; ``reason`` names why (for the message shown)."""

    reason: str  # "unreadable", "no_time", "past", "dst_gap"
    suggestion: datetime | None = None


TimeReading = Parsed | Ambiguous | Refused


def parse_time(text: str, timezone: str, now: datetime) -> TimeReading:
    """Read ``text`` as a future moment in ``timezone``; ``now`` is aware (any zone)."""
    zone = ZoneInfo(timezone)
    words = _clock_words(_dotted_clock(_shown(text).strip()))
    if not words:
        return Refused("unreadable")
    local_now = now.astimezone(zone).replace(tzinfo=None)
    if not _HAS_TIME.search(words):
        # A day without a time ("next friday") is told to add one; anything else ("asdfgh")
        # was not read at all.
        day = dateparser.parse(words, settings={"RELATIVE_BASE": local_now})
        return Refused("no_time" if day is not None else "unreadable")
    settings = {
        "RELATIVE_BASE": local_now,
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        # No RETURN_AS_TIMEZONE_AWARE: set to False, it drops a zone the text names ("21:00
        # UTC") and the time would be read in the organiser's zone instead.
    }
    wall = dateparser.parse(words, settings=settings)
    if wall is None or not _clock_kept(words, wall):
        return Refused("unreadable")
    if wall.tzinfo is not None:  # the text named its own zone or offset: it wins
        return _future(wall.astimezone(UTC), now)
    slashed = _SLASHED.search(words)
    if slashed and _swappable(int(slashed[1]), int(slashed[2])):
        swapped = dateparser.parse(words, settings={**settings, "DATE_ORDER": "MDY"})
        if swapped is not None and swapped != wall:
            options = sorted({_instant(wall, zone)[0], _instant(swapped, zone)[0]})
            return Ambiguous(tuple(options), "day_month")
    instants = _instant(wall, zone)
    if not instants:
        return Refused("dst_gap", suggestion=_after_gap(wall, zone))
    if len(instants) == 2:
        future = tuple(moment for moment in instants if moment > now)
        if len(future) == 2:
            return Ambiguous(future, "dst_repeat")
        if not future:
            return Refused("past")
        return Parsed(future[0])
    return _future(instants[0], now)


def _shown(text: str) -> str:
    """The text without invisible format characters (a zero-width space pasted into "18:00"
    would hide the clock time from dateparser)."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _clock_words(words: str) -> str:
    """Times of day written as words replaced by clock times: "sábado por la tarde" is
    "sábado 15:00"."""
    for pattern, clock in _WORDS_OF_TIME:
        words = pattern.sub(clock, words)
    return words


def _dotted_clock(words: str) -> str:
    """ "18.00" as "18:00" when it is the only clock time: dateparser reads the dotted form as a
    date, or not at all."""
    if ":" in words:
        return words
    return _DOTTED.sub(lambda m: f"{m[1]}:{m[2]}" if int(m[1]) <= 23 else m[0], words)


def _clock_kept(words: str, wall: datetime) -> bool:
    """Whether the one clock time written in digits is the one read (an impossible "25:00" is
    not). Several (a range, a date and a time) are left to dateparser."""
    clocks = _CLOCK.findall(words)
    if len(clocks) != 1:
        return True
    hour, minute, half = int(clocks[0][0]), int(clocks[0][1]), clocks[0][2]
    if half:
        return 1 <= hour <= 12 and (wall.hour % 12, wall.minute) == (hour % 12, minute)
    return (wall.hour, wall.minute) == (hour % 24, minute) and hour <= 24


def _future(moment: datetime, now: datetime) -> TimeReading:
    return Parsed(moment) if moment > now else Refused("past")


def _swappable(first: int, second: int) -> bool:
    return first != second and first <= 12 and second <= 12


def _instant(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants showing ``wall`` on the clocks of ``zone``: none, one, or two."""
    candidates = []
    for fold in (0, 1):
        moment = wall.replace(tzinfo=zone, fold=fold)
        back = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back == wall:
            candidates.append(moment.astimezone(UTC))
    return sorted(set(candidates))


def _after_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first real instant after a wall time the clocks skipped."""
    probe = wall
    for _ in range(4 * 60):
        probe += timedelta(minutes=1)
        found = _instant(probe, zone)
        if found:
            return found[0]
    return wall.replace(tzinfo=zone).astimezone(UTC)
