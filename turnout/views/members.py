"""Views for members: the welcome, subscriptions, and /help."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from turnout.i18n import Translator
from turnout.pseudonym import in_words
from turnout.storage import Member, Role
from turnout.views.buttons import Subscription
from turnout.views.reply import Reply
from turnout.views.roles import role_names


def pseudonym_in(t: Translator, who: str) -> str:
    """How organisers see a member (``pseudonym.shown_as``), in the reader's language."""
    return in_words(who, t("pseudonym.word"))


def subscription_keyboard(t: Translator, subscribed: bool) -> InlineKeyboardMarkup:
    if subscribed:
        button = Subscription("off").button(t("start.button.unsubscribe"))
    else:
        button = Subscription("on").button(t("start.button.subscribe"))
    return InlineKeyboardMarkup([[button]])


def welcome(t: Translator, member: Member, returning: bool) -> Reply:
    """The /start answer: a greeting, what is stored and how to delete it, and the subscribe
    offer."""
    lines = [
        t(
            "start.greeting.returning" if returning else "start.greeting.new",
            name=member.first_name,
        ),
        "",
        t("start.stored"),
        t("start.not_stored"),
        t("start.forget"),
        "",
        t("start.subscribed") if member.subscribed else t("start.offer_subscribe"),
    ]
    return Reply("\n".join(lines), subscription_keyboard(t, member.subscribed))


def subscription_changed(t: Translator, subscribed: bool) -> Reply:
    text = t("subscribe.done" if subscribed else "subscribe.undone")
    return Reply(text, subscription_keyboard(t, subscribed))


def help_text(t: Translator, commands: Sequence[tuple[str, str]], roles: frozenset[Role]) -> str:
    """``commands`` are (name, help key) pairs this user may use, in menu order."""
    lines = [t("help.title"), ""]
    # Command help is plain text (it is also the command menu), so it is escaped here.
    lines += [f"/{name} — {html.escape(t(help_key), quote=False)}" for name, help_key in commands]
    if roles:
        lines += ["", t("help.your_roles", roles=role_names(t, roles))]
    return "\n".join(lines)
