"""The timezone of a point, from timezonefinder's offline polygons."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timezonefinder import TimezoneFinder


@functools.cache
def _finder() -> TimezoneFinder:
    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point (the nearest on the open sea), or None where there is none
    that this machine's zone database knows."""
    finder = _finder()
    name = finder.timezone_at(lng=longitude, lat=latitude)
    if name is None:
        name = finder.certain_timezone_at(lng=longitude, lat=latitude)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
