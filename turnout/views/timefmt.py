"""Dates and times as a reader expects them: in their timezone, in their language."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time
from babel.lists import format_list
from babel.units import format_unit
from telegram import InlineKeyboardMarkup

from turnout.i18n import N_, Translator
from turnout.scheduler.timeparse import Ambiguous, Refused
from turnout.views.buttons import PromptButton
from turnout.views.reply import Reply

_ETC_OFFSET = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")


def zone_label(zone: str) -> str:
    """A zone as people write it: "UTC+14" for "Etc/GMT-14", whose sign is the other way
    round (a POSIX convention) and reads as the opposite offset; other names as they are."""
    if zone in ("Etc/UTC", "Etc/GMT", "Etc/Zulu", "Etc/Universal"):
        return "UTC"
    if (match := _ETC_OFFSET.match(zone)) is None:
        return zone
    sign = "+" if match[1] == "-" else "-"
    return f"UTC{sign}{int(match[2])}"


def babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def short_day(day: date, language: str) -> str:
    """A day without its year, as the reader's language writes it ("Jun 29", "29. јун")."""
    return format_skeleton("MMMd", day, locale=babel_locale(language), fuzzy=True)


def local_time(moment: datetime, timezone: str, language: str) -> str:
    """``moment`` in the reader's zone and words, e.g. "Fri, Nov 27, 2026 6:00 PM CET"."""
    zone = ZoneInfo(timezone)
    locale = babel_locale(language)
    day = format_skeleton("yMMMEd", moment, tzinfo=zone, locale=locale, fuzzy=True)
    clock = format_time(moment, "short", tzinfo=zone, locale=locale)
    return f"{day} {clock} {moment.astimezone(zone).strftime('%Z')}"


#: Between the two ends of a span of time, as typeset text writes it.
DASH = " \N{EN DASH} "


def time_span(start: datetime, end: datetime, timezone: str, language: str) -> str:
    """From start to end in the reader's zone and words, joined by an en dash: "Fri, Nov 27,
    2026 6:00 PM to 8:00 PM CET" within one day, both whole across days."""
    zone = ZoneInfo(timezone)
    if start.astimezone(zone).date() != end.astimezone(zone).date():
        return f"{local_time(start, timezone, language)}{DASH}{local_time(end, timezone, language)}"
    locale = babel_locale(language)
    day = format_skeleton("yMMMEd", start, tzinfo=zone, locale=locale, fuzzy=True)
    first = format_time(start, "short", tzinfo=zone, locale=locale)
    last = format_time(end, "short", tzinfo=zone, locale=locale)
    return f"{day} {first}{DASH}{last} {end.astimezone(zone).strftime('%Z')}"


def duration(language: str, minutes: int) -> str:
    """Exactly ``minutes`` in the reader's words, never rounded: "1 hour and 30 minutes" (a
    reminder set for 90 minutes is not "2 hours"), "10 days"."""
    locale = babel_locale(language)
    minutes = max(minutes, 0)
    # Days from two on, as people say them: "24 hours", "36 hours", "2 days".
    days, rest = divmod(minutes, 24 * 60) if minutes >= 2 * 24 * 60 else (0, minutes)
    hours, left = divmod(rest, 60)
    units = (("duration-day", days), ("duration-hour", hours), ("duration-minute", left))
    parts = [format_unit(amount, unit, locale=locale) for unit, amount in units if amount]
    if not parts:
        return format_unit(0, "duration-minute", locale=locale)
    # "standard": every language has it (Spanish lacks the "unit" list style).
    return format_list(parts, style="standard", locale=locale)


REFUSALS = {
    "unreadable": N_("time.unreadable"),
    "no_time": N_("time.no_time"),
    "past": N_("time.past"),
    "dst_gap": N_("time.dst_gap"),
}
AMBIGUITIES = {
    "day_month": N_("time.ambiguous_day_month"),
    "dst_repeat": N_("time.ambiguous_dst_repeat"),
}
#: The choice of a button that picks one of two readings of a time.
PICK = "pick"


def refusal(t: Translator, reading: Refused, timezone: str) -> str:
    """Why a typed time cannot be used, with the nearest real time when there is one."""
    hint = local_time(reading.suggestion, timezone, t.language) if reading.suggestion else ""
    return t(REFUSALS[reading.reason], suggestion=hint, timezone=zone_label(timezone))


def readings(t: Translator, prompt: int, reading: Ambiguous, timezone: str) -> Reply:
    """A time that can mean two moments: one button each, for the question ``prompt``."""
    rows = [
        [PromptButton(prompt, PICK, index).button(local_time(option, timezone, t.language))]
        for index, option in enumerate(reading.options)
    ]
    return Reply(t(AMBIGUITIES[reading.reason]), InlineKeyboardMarkup(rows))
