"""What follows an action's end (README, "Action day"): "Are you safe?" and its answers, the
question whether to share one's contact with the safety team, the team's message, and the
thank-you that asks for photos."""

from __future__ import annotations

import html
from enum import StrEnum

from telegram import InlineKeyboardMarkup

from turnout.i18n import N_, Html, Translator
from turnout.storage import Action, Safety
from turnout.views.buttons import ReportOn, SafetyReply, ShareContact
from turnout.views.reply import Reply


class Team(StrEnum):
    """Who the safety team of an action is, as the person who needs help is told."""

    CHAT = N_("safety.team.chat")
    """The chat the settings name (``TURNOUT_SAFETY_CHAT_ID``)."""
    ORGANISERS = N_("safety.team.organisers")
    """The organisers (and owners): the action has no host."""
    ORGANISERS_AND_HOST = N_("safety.team.organisers_and_host")


_ANSWERS = {Safety.SAFE: N_("safety.button.safe"), Safety.HELP: N_("safety.button.help")}


def safety_buttons(
    t: Translator, action_id: int, chosen: Safety | None = None
) -> InlineKeyboardMarkup:
    """ "I'm safe" / "I need help", the answer given marked: it may change, the latest counts."""
    return InlineKeyboardMarkup(
        [
            [
                SafetyReply(action_id, answer).button(("✓ " if answer is chosen else "") + t(label))
                for answer, label in _ANSWERS.items()
            ]
        ]
    )


def safety_check(t: Translator, action: Action, round: int) -> Reply:
    """ "Are you safe?" to everyone checked in (round 1), or again to those who did not answer
    (round 2)."""
    key = N_("safety.ask") if round == 1 else N_("safety.ask_again")
    return Reply(t(key, title=action.title), safety_buttons(t, action.id))


def share_question(t: Translator, action_id: int, team: Team) -> Reply:
    """After "I need help": share my Telegram contact with the safety team (saying who that
    is), or not. Nothing is shared without the press."""
    markup = InlineKeyboardMarkup(
        [
            [ShareContact(action_id, True).button(t("safety.button.share"))],
            [ShareContact(action_id, False).button(t("safety.button.dont_share"))],
        ]
    )
    return Reply(t("safety.share_question", who=t(team)), markup)


def shared(t: Translator, team: Team) -> str:
    return t("safety.shared", who=t(team))


def not_shared(t: Translator) -> str:
    return t("safety.not_shared")


def contact(name: str, user_id: int, username: str | None) -> str:
    """A way to reach someone, as HTML: their name as a mention that opens their profile, and
    their @username when they have one (a mention opens only where their privacy allows)."""
    mention = f'<a href="tg://user?id={user_id}">{html.escape(name, quote=False)}</a>'
    return f"{mention} (@{html.escape(username)})" if username else mention


def team_message(t: Translator, action: Action, reach: str) -> str:
    """To the safety team: who needs help, where, and how to reach them (``contact``)."""
    return t("safety.team_told", title=action.title, who=Html(reach))


def photo_ask(t: Translator, action: Action) -> Reply:
    """The thank-you after an action, with the button that opens a report about it."""
    button = ReportOn(action.id).button(t("photos.button"))
    return Reply(t("photos.ask", title=action.title), InlineKeyboardMarkup([[button]]))
