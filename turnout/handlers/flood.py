"""The flood guard: before anything else, too many updates from one person are stopped."""

from __future__ import annotations

import time

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from turnout.bot.context import TurnoutContext
from turnout.bot.flood import Verdict


async def flood_guard(update: Update, context: TurnoutContext) -> None:
    """Runs first (group -2); stops the update here when its sender floods."""
    user = update.effective_user
    if user is None:
        return
    message = update.effective_message
    if (
        message is not None
        and message.chat.type == message.chat.PRIVATE
        and _carries_a_file(message)
    ):
        # Report material: never dropped (the phone may send a whole ungrouped selection in a
        # second). What it can cost is bounded by the report's 30 items and TURNOUT_REPORT_RATE.
        return
    album = message.media_group_id if message is not None else None
    verdict = context.bot_data.flood.check(user.id, time.monotonic(), album)
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.WARN:
        text = context.t("flood.slow_down")
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif message is not None and message.chat.type == message.chat.PRIVATE:
            await message.reply_text(text)
    raise ApplicationHandlerStop


def _carries_a_file(message: Message) -> bool:
    return bool(
        message.photo or message.video or message.document or message.voice or message.animation
    )
