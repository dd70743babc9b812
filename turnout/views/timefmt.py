"""Dates and times as a reader expects them: in their timezone, in their language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time


def babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def local_time(moment: datetime, timezone: str, language: str) -> str:
    """``moment`` in the reader's zone and words, e.g. "Fri, Nov 27, 2026 6:00 PM CET"."""
    zone = ZoneInfo(timezone)
    locale = babel_locale(language)
    day = format_skeleton("yMMMEd", moment, tzinfo=zone, locale=locale, fuzzy=True)
    clock = format_time(moment, "short", tzinfo=zone, locale=locale)
    return f"{day} {clock} {moment.astimezone(zone).strftime('%Z')}"
