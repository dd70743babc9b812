"""Showing a broadcast's progress: one status message, edited as the outbox works through it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from turnout.delivery.outbox import Outbox
from turnout.storage import DeliveryCounts
from turnout.storage.purposes import Purpose

log = logging.getLogger(__name__)


def not_modified(error: BadRequest) -> bool:
    """Telegram's answer to an edit that would leave the message as it is: what was wanted."""
    return "not modified" in error.message.lower()


#: Seconds between edits: often enough to watch, rarely enough to stay far from flood limits.
EDIT_EVERY = 3.0


async def follow_progress(
    outbox: Outbox,
    purpose: Purpose,
    bot: Bot,
    chat_id: int,
    message_id: int,
    render: Callable[[DeliveryCounts], str],
    every: float = EDIT_EVERY,
    running: Callable[[], bool] = lambda: True,
) -> DeliveryCounts:
    """Edit the message with ``render(counts)`` whenever the counts change (at most every
    ``every`` seconds) until nothing of ``purpose`` is left to send, or until ``running()``
    turns false (the bot stopping must not wait for a long broadcast); return the counts."""
    shown = ""
    while True:
        counts = await outbox.progress(purpose)
        text = render(counts)
        if text != shown:
            try:
                await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
            except BadRequest as error:
                if not not_modified(error):
                    log.warning("progress of %s: cannot edit the status: %s", purpose, error)
                    return counts
            except TelegramError as error:
                # A flood wait or a network hiccup: the next round tries again.
                log.info("progress of %s: edit failed: %s", purpose, error)
            else:
                shown = text
        if counts.done or not running():
            return counts
        await asyncio.sleep(every)
