"""/addchannel: link a channel or group by forwarding one of its posts, or by its @username or
id. Telegram is asked that the bot may post there and that the person linking is an admin of
it, and what is missing is said."""

from __future__ import annotations

import re

from pydantic import BaseModel
from telegram import Message, Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Outcome, Stay, Step, Turn
from turnout.i18n import N_
from turnout.usecases import channels
from turnout.views.reply import Reply

_REFERENCE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d{5,})$")


class LinkDraft(BaseModel):
    """Nothing to keep: the answer is the whole of it."""


async def begin(update: Update, context: TurnoutContext) -> None:
    await prompts.start(update, context, ADD_CHANNEL, LinkDraft())


async def ask_channel(turn: Turn[LinkDraft]) -> Reply:
    return Reply(turn.t("channels.ask"))


async def got_channel(turn: Turn[LinkDraft], message: Message) -> Outcome:
    reference = _reference(message)
    if reference is None:
        return Stay(turn.t("channels.bad_reference"))
    channel = await channels.link(turn.services, turn.user_id, reference)
    await turn.say(turn.t("channels.linked", title=channel.title))
    return End()


async def got_text(turn: Turn[LinkDraft], text: str) -> Outcome:
    assert turn.update.message is not None
    return await got_channel(turn, turn.update.message)


def _reference(message: Message) -> int | str | None:
    """The chat a message points at: a forwarded post's channel, ``@username`` or an id."""
    origin = message.forward_origin
    chat = getattr(origin, "chat", None)
    if chat is not None:
        return int(chat.id)
    text = (message.text or "").strip()
    if not _REFERENCE.match(text):
        return None
    return text if text.startswith("@") else int(text)


ADD_CHANNEL = Flow(
    "addchannel",
    LinkDraft,
    {"channel": Step(N_("expects.channel"), ask_channel, text=got_text, media=got_channel)},
    cancelled=N_("channels.stopped"),
)
