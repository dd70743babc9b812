"""A status message kept up to date: while the outbox works through a purpose (a publication,
an edit or a deletion of a call's copies), in a task of its own; or while long work counts its
items (an export's files, a report's photos being looked at for faces)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable

from telegram import Message
from telegram.error import TelegramError

from turnout.delivery.progress import follow_progress
from turnout.handlers.common.context import TurnoutContext
from turnout.storage import DeliveryCounts
from turnout.storage.purposes import Purpose


def follow(
    context: TurnoutContext,
    purpose: Purpose,
    chat_id: int,
    message_id: int,
    render: Callable[[DeliveryCounts], str],
) -> None:
    """Edit the message with ``render(counts)`` until nothing of ``purpose`` is left to send
    (or the bot stops); returns at once."""
    application = context.application
    application.create_task(
        follow_progress(
            context.services.outbox,
            purpose,
            context.bot,
            chat_id,
            message_id,
            render,
            running=lambda: application.running,
        ),
        name=f"progress-{purpose}",
    )


EVERY = 3.0
"""Seconds between edits of a status message that counts items (Telegram limits edits)."""

Counted = Callable[[int, int], Awaitable[None]]
"""Told how many items of how many are done."""


def counting(status: Message, render: Callable[[int, int], str]) -> Counted:
    """Edits ``status`` with ``render(done, total)``, at most every few seconds (and at the
    end); a missed edit is no reason to stop the work. Work done within the first few seconds
    leaves the message as it was."""
    last = time.monotonic()

    async def report(done: int, total: int) -> None:
        nonlocal last
        moment = time.monotonic()
        if done < total and moment - last < EVERY:
            return
        last = moment
        with contextlib.suppress(TelegramError):
            await status.edit_text(render(done, total))

    return report
