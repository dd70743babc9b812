"""Urgent alerts as people read them: the alert itself (pinned, with its mute button), the
questions of /alert, the preview, and the sender's status as the copies go out."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.i18n import N_, Translator
from turnout.storage import Action, Audience, DeliveryCounts
from turnout.views.actions import display_zone
from turnout.views.buttons import MuteAlerts, PromptButton
from turnout.views.delivery import progress
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM
from turnout.views.reply import Reply
from turnout.views.timefmt import time_span

#: The choices of /alert's questions (besides Confirm / Change / Cancel).
PICK_ACTION = "action"
PICK_AUDIENCE = "audience"
#: The audiences as the audience buttons carry them (a button's value is a number).
AUDIENCES = (Audience.GOING, Audience.HERE)
AUDIENCE_LABELS = {
    Audience.GOING: N_("alert.audience.going"),
    Audience.HERE: N_("alert.audience.here"),
}
REACH = {
    Audience.GOING: N_("alert.preview.going"),
    Audience.HERE: N_("alert.preview.here"),
}


def alert_message(t: Translator, action: Action, text: str) -> Reply:
    """The alert as each member reads it: an urgent header with the action's title, the text
    as the sender typed it, and the button that mutes the action's alerts."""
    head = t("alert.head", title=action.title)
    return Reply(f"{head}\n\n{html.escape(text, quote=False)}", mute_markup(t, action.id, False))


def mute_markup(t: Translator, action_id: int, muted: bool) -> InlineKeyboardMarkup:
    """Under an alert: Mute when the alerts are heard, Hear again when muted."""
    if muted:
        button = MuteAlerts(action_id, False).button(t("alert.button.unmute"))
    else:
        button = MuteAlerts(action_id, True).button(t("alert.button.mute"))
    return InlineKeyboardMarkup([[button]])


def mute_toast(t: Translator, muted: bool) -> str:
    return t("alert.muted") if muted else t("alert.unmuted")


def _state(t: Translator, action: Action, now: datetime) -> str:
    if action.starts_at <= now < action.end:
        return " · " + t("alert.under_way")
    if action.end <= now:
        return " · " + t("alert.over")
    return ""


def action_choice(
    t: Translator, prompt: int, actions: Sequence[Action], now: datetime, timezone: str
) -> Reply:
    """Which action the alert is for: each with its time, those under way marked."""
    lines = [t("alert.choose"), ""]
    rows: list[list[InlineKeyboardButton]] = []
    for action in actions:
        span = time_span(action.starts_at, action.end, display_zone(action, timezone), t.language)
        state = _state(t, action, now)
        lines.append(f"• <b>{html.escape(action.title, quote=False)}</b> — {span}{state}")
        label = action.title[:60] + state
        rows.append([PromptButton(prompt, PICK_ACTION, action.id).button(label)])
    rows.append([PromptButton(prompt, CANCEL).button(t("prompt.button.cancel"))])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


def audience_choice(
    t: Translator, prompt: int, action: Action, counts: dict[Audience, int]
) -> Reply:
    """Everyone going, or only those checked in, with how many each reaches."""
    rows = [
        [
            PromptButton(prompt, PICK_AUDIENCE, index).button(
                t.plural(AUDIENCE_LABELS[audience], counts.get(audience, 0))
            )
        ]
        for index, audience in enumerate(AUDIENCES)
    ]
    rows.append([PromptButton(prompt, CANCEL).button(t("prompt.button.cancel"))])
    return Reply(t("alert.choose_audience", title=action.title), InlineKeyboardMarkup(rows))


def ask_text(t: Translator, limit: int) -> Reply:
    return Reply(t.plural("alert.ask_text", limit))


def preview(
    t: Translator, prompt: int, action: Action, audience: Audience, reach: int, text: str
) -> Reply:
    """Exactly what each person will read, whom it reaches, and Send / Change / Cancel."""
    shown = alert_message(t, action, text).text
    lines = [
        t("alert.preview.head"),
        "",
        shown,
        "",
        "\N{BOX DRAWINGS LIGHT HORIZONTAL}" * 10,
        t.plural(REACH[audience], reach, title=action.title),
    ]
    markup = InlineKeyboardMarkup(
        [
            [
                PromptButton(prompt, CONFIRM).button(t("alert.button.send")),
                PromptButton(prompt, CHANGE).button(t("prompt.button.change")),
            ],
            [PromptButton(prompt, CANCEL).button(t("prompt.button.cancel"))],
        ]
    )
    return Reply("\n".join(lines), markup)


def sending(t: Translator, title: str, counts: DeliveryCounts) -> str:
    """The sender's status: "Alert for … sent" and how far delivery has got."""
    return t("alert.sending", title=title) + "\n" + progress(t, counts)
