"""Reading a time written in plain words ("tomorrow 18:00", "29.06.2027 17:30") in a timezone.

dateparser reads the words into a wall-clock time; the zone is applied here, with zoneinfo, so
that daylight-saving changes are handled exactly: a wall time that does not exist (the hour
skipped in spring) is refused with the nearest real times, and one that happens twice (the hour
repeated in autumn) comes back as both instants, for the organiser to choose.
"""

from __future__ import annotations

import re
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
    words = text.strip()
    if not words:
        return Refused("unreadable")
    if not _HAS_TIME.search(words):
        return Refused("no_time")
    local_now = now.astimezone(zone).replace(tzinfo=None)
    settings = {
        "RELATIVE_BASE": local_now,
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    wall = dateparser.parse(words, settings=settings)
    if wall is None:
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
