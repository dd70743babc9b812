"""What people are told about the questions the bot asks them: what a question waits for, that
one was closed or lapsed, and the Confirm step before anything others will see changes."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from turnout.i18n import N_, Translator
from turnout.views.buttons import PromptButton
from turnout.views.timefmt import duration

#: Each flow's name, as a person reads it in "… was closed".
FLOW_LABELS = {
    "newaction": N_("flow.newaction"),
    "propose": N_("flow.propose"),
    "newcall": N_("flow.newcall"),
    "addchannel": N_("flow.addchannel"),
    "timezone": N_("flow.timezone"),
    "action_edit": N_("flow.action_edit"),
    "call_edit": N_("flow.call_edit"),
    "review_reason": N_("flow.review_reason"),
    "proposal_reason": N_("flow.proposal_reason"),
    "proposal_edit": N_("flow.proposal_edit"),
    "alert": N_("flow.alert"),
    "checkin": N_("checkin.flow"),
}

#: The choices of a Confirm step.
CONFIRM, CHANGE, CANCEL = "confirm", "change", "cancel"


def flow_label(t: Translator, flow: str) -> str:
    return t(FLOW_LABELS[flow]) if flow in FLOW_LABELS else flow


def closed(t: Translator, flow: str) -> str:
    """The person went on to something else: the question they left is closed."""
    return t("prompt.closed", what=flow_label(t, flow))


def lapsed(t: Translator, flow: str, minutes: int) -> str:
    """Nobody answered in time."""
    return t("prompt.lapsed", duration=duration(t.language, minutes), what=flow_label(t, flow))


def cancelled(t: Translator, flow: str) -> str:
    return t("prompt.cancelled", what=flow_label(t, flow))


def expected(t: Translator, what: str) -> str:
    """Something the step cannot use arrived: say what it waits for (``what``, a message
    key), and how to stop."""
    return t("prompt.expected", what=t(what))


def confirm_keyboard(t: Translator, prompt: int, *, change: bool = True) -> InlineKeyboardMarkup:
    """Confirm / Change / Cancel under what will change."""
    row = [PromptButton(prompt, CONFIRM).button(t("prompt.button.confirm"))]
    if change:
        row.append(PromptButton(prompt, CHANGE).button(t("prompt.button.change")))
    return InlineKeyboardMarkup(
        [row, [PromptButton(prompt, CANCEL).button(t("prompt.button.cancel"))]]
    )
