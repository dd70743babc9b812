"""The flood guard: before anything else, too many updates from one person are stopped."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.floodgate import Verdict


async def flood_guard(update: Update, context: TurnoutContext) -> None:
    """Runs first, in a group of its own; stops the update here when its sender floods."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or (chat is not None and chat.type != chat.PRIVATE):
        return  # in groups the bot sees only commands, and never answers a flood there
    message = update.message
    # When it was sent, not when it is handled: after a restart, a backlog of messages sent
    # over minutes is handled in a second, and must not look like a flood.
    sent = message.date.timestamp() if message is not None else context.now().timestamp()
    if message is not None and _carries_a_file(message):
        # Report material gets its own, roomier gate, and is never answered "slow down" (the
        # phone may send a whole ungrouped selection in a second).
        gate = context.bot_data.file_flood
        if gate.check(user.id, sent, message.media_group_id) is Verdict.ALLOW:
            return
        raise ApplicationHandlerStop
    album = message.media_group_id if message is not None else None
    verdict = context.bot_data.flood.check(user.id, sent, album)
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.WARN:
        # The warning is a courtesy; the update is dropped all the same.
        with contextlib.suppress(TelegramError):
            context.recognise(await context.store.member(user.id))  # their chosen language
            text = context.t("flood.slow_down")
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif message is not None:
                await message.reply_text(text)
    raise ApplicationHandlerStop


def _carries_a_file(message: Message) -> bool:
    return bool(
        message.photo or message.video or message.document or message.voice or message.animation
    )
