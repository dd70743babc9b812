"""The two-person rule for broadcasts, as people read it: the question a second broadcaster or
organiser gets (what will be posted where, and when; Approve / Refuse), and what the person who
asked is told of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardMarkup

from turnout.delivery import Payload
from turnout.delivery.stars import Estimate
from turnout.i18n import N_, Translator
from turnout.views.buttons import DecideCall
from turnout.views.paid import approval_line
from turnout.views.reply import Reply
from turnout.views.timefmt import local_time

#: How much of the text before an edit the question quotes.
BEFORE_CHARACTERS = 300
#: How many channels the question names; the rest are counted. Twenty titles of Telegram's
#: longest (128 characters) leave the question within one message (4,096 characters): a longer
#: one would never reach an approver, and the call would wait for nobody.
CHANNELS_NAMED = 20


@dataclass(frozen=True, slots=True)
class Asked:
    """What an approver is asked about: where the call goes, and when."""

    request: int
    call: int
    requester: str
    channels: Sequence[str]
    subscribers: int
    """How many subscribers it reaches; 0 when it does not go to them."""
    to_subscribers: bool
    publish_at: datetime | None
    """When it goes; None: at once, on approval."""
    before: str | None = None
    """An edit: the text the posts have now."""
    paid: Estimate | None = None
    """A paid broadcast: what its author chose to pay for the faster rate (estimated)."""


def question(t: Translator, asked: Asked, timezone: str) -> Payload:
    """The message under the call's preview: what it is, where and when, and the buttons."""
    who = asked.requester
    channels = ", ".join(asked.channels[:CHANNELS_NAMED])
    if len(asked.channels) > CHANNELS_NAMED:
        left = len(asked.channels) - CHANNELS_NAMED
        channels += " " + t.plural("approval.more_channels", left)
    lines = []
    if asked.before is None:
        lines.append(t("approval.ask", name=who, id=asked.call))
    else:
        lines.append(t("approval.ask_edit", name=who, id=asked.call))
        before = asked.before[:BEFORE_CHARACTERS] + (
            "…" if len(asked.before) > BEFORE_CHARACTERS else ""
        )
        lines.append(t("approval.before", text=before))
    lines.append("")
    lines.append(t("approval.where", channels=channels or t("calls.no_channels")))
    if asked.to_subscribers:
        lines.append(t.plural("approval.subscribers", asked.subscribers))
    else:
        lines.append(t("approval.no_subscribers"))
    if asked.before is None:
        if asked.publish_at is None:
            lines.append(t("approval.when_now"))
        else:
            time = local_time(asked.publish_at, timezone, t.language)
            lines.append(t("approval.when_at", time=time))
    if asked.paid is not None:
        lines.append(approval_line(t, asked.paid))
    lines.append("")
    lines.append(t("approval.check"))
    markup = InlineKeyboardMarkup(
        [
            [
                DecideCall(asked.request, "ok").button(t("approval.button.approve")),
                DecideCall(asked.request, "no").button(t("approval.button.refuse")),
            ]
        ]
    )
    return Reply("\n".join(lines), markup).to_payload()


def settled(t: Translator, call: int, approved: bool, who: str) -> str:
    """An approver's question once someone decided: who, and what."""
    key = N_("approval.settled.approved" if approved else "approval.settled.refused")
    return t(key, id=call, name=who)
