"""Finding a member's timezone from what they type: a city, a zone name, or a UTC offset.

Cities come from the offline gazetteer (``turnout.places``: many spellings, e.g. "Novi Sad",
"Београд"); when several cities share a name, the most populous wins. The first city looked up
loads the gazetteer (a second or two): call this off the event loop.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from turnout.places import gazetteer

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(00))?$", re.IGNORECASE)


def looks_like_zone(text: str) -> bool:
    """Written as a zone rather than a place: "Europe/Lisbon", "UTC", "UTC+1", "+2"."""
    words = " ".join(text.split())
    return "/" in words or words.casefold() in ("utc", "gmt", "z") or bool(_OFFSET.match(words))


def resolve_timezone(text: str) -> str | None:
    """The IANA zone meant by ``text``, or None when nothing fits."""
    words = " ".join(text.split())
    if not words:
        return None
    if words.casefold() in ("utc", "gmt", "z"):
        return "UTC"
    zones = _zones()
    if (zone := zones.get(words.casefold().replace(" ", "_"))) is not None:
        return zone
    if (offset := _OFFSET.match(words)) is not None:
        sign, hours = offset[1], int(offset[2])
        if hours == 0:
            return "UTC"
        if hours <= 14:
            # The Etc zones count the other way round: UTC+2 is Etc/GMT-2.
            return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        return None
    city = gazetteer().named(words)
    return city.timezone if city is not None else None


@cache
def _zones() -> dict[str, str]:
    """Zone names by their lower-case spelling, whole ("europe/belgrade") and by city part."""
    found: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        found.setdefault(zone.casefold(), zone)
        if "/" in zone and not zone.startswith("Etc/"):
            found.setdefault(zone.rsplit("/", 1)[1].casefold(), zone)
    return found
