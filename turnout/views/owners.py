"""The owners' notices (README, "Owners see the sensitive moves"): one short message per move,
saying who made it, what it was, to whom or what, and when.

Everything a person typed (a name, a channel's title, an alert's text) is escaped, cut to a
length that keeps the message short, and isolated from the sentence around it: a name written
right to left, or with a direction override, cannot turn the sentence round.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from turnout.i18n import N_, Html, Translator
from turnout.storage import AsIs, Audience, Role
from turnout.views.paid import messages, number, stars, whole_stars
from turnout.views.roles import role_name
from turnout.views.timefmt import local_time

#: How much of each thing a person typed a notice quotes, in characters.
NAME_LENGTH = 64
TITLE_LENGTH = 128
QUOTE_LENGTH = 200
#: Whom an alert reached, as a notice says it.
REACH = {Audience.GOING: N_("owners.reach_going"), Audience.HERE: N_("owners.reach_here")}
#: Unicode's first-strong isolate and its end: what is between takes its own direction.
_ISOLATE, _END = "\N{FIRST STRONG ISOLATE}", "\N{POP DIRECTIONAL ISOLATE}"


#: How many chats a notice of a call names; the rest are counted.
CHATS_NAMED = 20


@dataclass(frozen=True, slots=True)
class Who:
    """Someone a notice names. No id and no pseudonym: the command line."""

    user_id: int | None = None
    name: str | None = None
    """Their first name, when they are a member."""
    forgotten: str | None = None
    """The pseudonym left by /forgetme, for someone forgotten since."""


COMMAND_LINE = Who()


@dataclass(frozen=True, slots=True)
class RoleMoved:
    granted: bool
    member: Who
    role: Role


@dataclass(frozen=True, slots=True)
class InviteUsed:
    """The one who moved opened an invite link and got its role."""

    role: Role
    invited_by: Who


@dataclass(frozen=True, slots=True)
class ChannelMoved:
    linked: bool
    chat_id: int
    title: str | None


@dataclass(frozen=True, slots=True)
class AlertSent:
    action_id: int
    title: str | None
    audience: Audience
    copies: int
    text: str | None


@dataclass(frozen=True, slots=True)
class CallOut:
    """A call published, or a published call's text changed, with no second approval."""

    call_id: int
    edited: bool
    scheduled: bool
    """Published when its time came (the one who moved is its author)."""
    chats: tuple[str, ...]
    subscribers: bool


@dataclass(frozen=True, slots=True)
class Exported:
    scope: Literal["all", "action", "campaign"]
    media: bool
    action_id: int | None = None
    title: str | None = None
    """The action's title, or the campaign's name."""
    originals: bool = False
    """Its photos and videos as sent, where faces would have been covered (README, "Faces")."""


@dataclass(frozen=True, slots=True)
class ReportOut:
    """A member's report posted to a channel: what one organiser's word can put there."""

    report_id: int
    chat_title: str
    as_is: AsIs | None = None
    """What was found in it, when the organiser chose "Publish as is" (faces not covered)."""


@dataclass(frozen=True, slots=True)
class ActionCancelled:
    """An action called off: everyone who answered is told at once."""

    action_id: int
    title: str | None


@dataclass(frozen=True, slots=True)
class PaidStarted:
    """A broadcast whose sender pays the bot's Stars to send it above the free rate: a call, or
    an alert (for an action)."""

    call_id: int | None
    action_id: int | None
    title: str | None
    """The alert's action's title."""
    copies: int
    stars: int
    """Its estimated cost."""
    balance: float | None
    """The bot's balance as it started; None: unknown."""


@dataclass(frozen=True, slots=True)
class PaidRanOut:
    """The bot's Stars ran out during a paid broadcast: the rest goes at the free rate."""

    call_id: int | None
    action_id: int | None
    title: str | None
    sender: Who
    paid: int
    left: int


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An entry of a kind owners are told of whose details could not be read."""

    kind: str


What = (
    RoleMoved
    | InviteUsed
    | ChannelMoved
    | AlertSent
    | CallOut
    | ReportOut
    | ActionCancelled
    | Exported
    | PaidStarted
    | PaidRanOut
    | Unreadable
)


@dataclass(frozen=True, slots=True)
class Move:
    """One sensitive move, as the owners are told of it."""

    at: datetime
    who: Who
    what: What


def owner_notice(t: Translator, move: Move, timezone: str) -> str:
    """The notice: what happened, then when (in the bot's zone), then what to do about it."""
    return "\n".join(
        [
            _sentence(t, move.who, move.what),
            t("owners.when", when=local_time(move.at, timezone, t.language)),
            t("owners.footer"),
        ]
    )


def _sentence(t: Translator, who: Who, what: What) -> str:
    person = person_of(t, who)
    match what:
        case RoleMoved(granted=True):
            return t("owners.role_grant", who=person, name=person_of(t, what.member),
                     role=role_name(t, what.role))  # fmt: skip
        case RoleMoved():
            return t("owners.role_revoke", who=person, name=person_of(t, what.member),
                     role=role_name(t, what.role))  # fmt: skip
        case InviteUsed():
            return t("owners.invite_redeem", who=person, name=person_of(t, what.invited_by),
                     role=role_name(t, what.role))  # fmt: skip
        case ChannelMoved():
            key = N_("owners.channel_link") if what.linked else N_("owners.channel_unlink")
            return t(key, who=person, channel=quoted(what.title or "?", TITLE_LENGTH),
                     id=what.chat_id)  # fmt: skip
        case AlertSent():
            reach = t.plural(REACH[what.audience], what.copies)
            return t("owners.alert_sent", who=person, id=what.action_id,
                     title=quoted(what.title or "?", TITLE_LENGTH), what=reach,
                     text=quoted(first_line(what.text or ""), QUOTE_LENGTH))  # fmt: skip
        case CallOut():
            # Escaped here: the list goes into the message as HTML, with the words of t().
            named = [
                html.escape(quoted(chat, TITLE_LENGTH), quote=False)
                for chat in what.chats[:CHATS_NAMED]
            ]
            if len(what.chats) > CHATS_NAMED:  # within one message, or no owner hears of it
                named[-1] += " " + t.plural("approval.more_channels", len(what.chats) - CHATS_NAMED)
            if what.subscribers:
                named.append(t("owners.subscribers"))
            chats = Html(", ".join(named) or t("owners.nowhere"))
            if what.edited:
                key = N_("owners.call_edit")
            elif what.scheduled:
                key = N_("owners.call_scheduled")
            else:
                key = N_("owners.call_published")
            return t(key, who=person, id=what.call_id, channels=chats)
        case ReportOut():
            text = t("owners.report_published", who=person, id=what.report_id,
                     channel=quoted(what.chat_title, TITLE_LENGTH))  # fmt: skip
            if what.as_is is not None:
                text += " " + t.plural("owners.report_as_is", what.as_is.faces)
                if what.as_is.unchecked:
                    text += " " + t.plural("owners.report_unchecked", what.as_is.unchecked)
            return text
        case ActionCancelled():
            return t("owners.action_cancel", who=person, id=what.action_id,
                     title=quoted(what.title or "?", TITLE_LENGTH))  # fmt: skip
        case Exported():
            media = t("owners.with_media") if what.media else t("owners.without_media")
            if what.originals:
                media = t("owners.with_originals")
            if what.scope == "action":
                return t("owners.export_action", who=person, id=what.action_id or 0,
                         title=quoted(what.title or "?", TITLE_LENGTH), what=media)  # fmt: skip
            if what.scope == "campaign":
                return t("owners.export_campaign", who=person,
                         name=quoted(what.title or "?", TITLE_LENGTH), what=media)  # fmt: skip
            return t("owners.export_all", who=person, what=media)
        case PaidStarted() | PaidRanOut():
            return _paid(t, person, what)
        case Unreadable():
            return t("owners.unreadable", who=person, what=quoted(what.kind, NAME_LENGTH))


def _paid(t: Translator, person: Html, what: PaidStarted | PaidRanOut) -> str:
    """A paid broadcast started (who, what, how many messages, the estimate, the balance), or
    the Stars ran out during one (whose, after how many paid, how many go on free)."""
    title = quoted(what.title or "?", TITLE_LENGTH)
    if isinstance(what, PaidStarted):
        if what.balance is None:
            balance = t("paid.owners.balance_unknown")
        else:
            balance = stars(t, whole_stars(what.balance))
        numbers = {"what": messages(t, what.copies), "value": stars(t, what.stars),
                   "status": Html(balance)}  # fmt: skip
        if what.call_id is not None:
            return t("paid.owners.call", who=person, id=what.call_id, **numbers)
        return t("paid.owners.alert", who=person, id=what.action_id or 0, title=title, **numbers)
    sender = person_of(t, what.sender)
    rest = {"count": number(t, what.paid), "what": messages(t, what.left), "who": sender}
    if what.call_id is not None:
        return t.plural("paid.owners.ran_out_call", what.paid, id=what.call_id, **rest)
    return t.plural(
        "paid.owners.ran_out_alert", what.paid, id=what.action_id or 0, title=title, **rest
    )


def person_of(t: Translator, who: Who) -> Html:
    """Who, as a notice names them: first name and id, an id alone (someone who never opened
    the bot), the pseudonym of someone forgotten since, or the command line."""
    if who.user_id is not None and who.name is not None:
        return Html(t("owners.who_member", name=quoted(who.name, NAME_LENGTH), user_id=who.user_id))
    if who.user_id is not None:
        return Html(t("owners.who_id", user_id=who.user_id))
    if who.forgotten is not None:
        return Html(t("owners.who_forgotten", name=quoted(who.forgotten, NAME_LENGTH)))
    return Html(t("owners.command_line"))


def quoted(text: str, limit: int) -> str:
    """Someone's text as a notice quotes it: no control or formatting characters, at most
    ``limit`` characters, in a direction isolate of its own (escaped later, as a parameter)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    kept = " ".join(kept.split())
    if len(kept) > limit:
        kept = kept[: limit - 1].rstrip() + "…"
    return f"{_ISOLATE}{kept}{_END}"


def first_line(text: str) -> str:
    """The first line with something on it."""
    return next((line for line in text.splitlines() if line.strip()), "")
