"""The member's /settings: language, timezone, which reminders they want, and whether
organisers see their name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time
from telegram import InlineKeyboardMarkup

from turnout.i18n import N_, Translator
from turnout.storage import Member
from turnout.views.buttons import SettingsChoice
from turnout.views.members import pseudonym_in
from turnout.views.reply import Reply
from turnout.views.timefmt import babel_locale, duration, zone_label


def lead(t: Translator, minutes: int) -> str:
    """ "2 hours", "1 day": how long before the action a reminder comes."""
    return duration(t.language, minutes)


def language_name(language: str) -> str:
    """A language in its own words: "English", "Español", "Српски", "Srpski (latinica)"."""
    name = babel_locale(language).display_name or language
    return name[:1].upper() + name[1:]


def language_choice(t: Translator, languages: Sequence[str]) -> Reply:
    rows = [[SettingsChoice("lang", code).button(language_name(code))] for code in languages]
    return Reply(t("settings.choose_language"), InlineKeyboardMarkup(rows))


def settings_view(
    t: Translator, member: Member, offered: Sequence[int], now: datetime, pseudonym: str
) -> Reply:
    """Current settings, and buttons to change them. ``offered``: reminder minutes to toggle;
    ``pseudonym``: how organisers see the member."""
    clock = format_time(
        now, "short", tzinfo=ZoneInfo(member.timezone), locale=babel_locale(t.language)
    )
    wanted = member.reminder_minutes
    if wanted is None:
        reminders = t("settings.reminders_all")
    elif not wanted:
        reminders = t("settings.reminders_none")
    else:
        reminders = ", ".join(lead(t, m) for m in sorted(wanted, reverse=True))
    text = "\n".join(
        [
            t("settings.title"),
            "",
            t("settings.language", language=language_name(t.language)),
            t("settings.timezone", timezone=zone_label(member.timezone), clock=clock),
            t("settings.reminders", reminders=reminders),
            t(
                "settings.name_shown" if member.show_name else "settings.name_hidden",
                pseudonym=pseudonym_in(t, pseudonym),
                name=member.first_name,
            ),
        ]
    )
    toggles = [
        SettingsChoice("rem", str(m)).button(_ticked(wanted is None or m in wanted, lead(t, m)))
        for m in offered
    ]
    name_button = (
        N_("settings.button.hide_name") if member.show_name else N_("settings.button.show_name")
    )
    rows = [
        [
            SettingsChoice("lang").button(t("settings.button.language")),
            SettingsChoice("tz").button(t("settings.button.timezone")),
        ],
        toggles,
        [
            SettingsChoice("rem", "all").button(t("settings.button.all")),
            SettingsChoice("rem", "none").button(t("settings.button.none")),
        ],
        [SettingsChoice("name", "off" if member.show_name else "on").button(t(name_button))],
    ]
    return Reply(text, InlineKeyboardMarkup([row for row in rows if row]))


def toggled(
    current: tuple[int, ...] | None, offered: Sequence[int], minutes: int
) -> tuple[int, ...] | None:
    """The reminders wanted after switching ``minutes`` on or off (None: all of them)."""
    chosen = set(offered if current is None else current)
    chosen ^= {minutes}
    if chosen >= set(offered):
        return None
    return tuple(sorted(chosen, reverse=True))


def _ticked(chosen: bool, label: str) -> str:
    return ("✓ " if chosen else "") + label
