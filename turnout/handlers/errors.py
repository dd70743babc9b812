"""The one error handler: log with the update id (never the token), tell the user, go on.

A write refused for lack of space is not logged here: the store says so once when it starts
and once when it ends (``storage/base.py``), instead of a traceback for every update and job.
The person is told that nothing was saved; the transaction left everything as it was.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from turnout.handlers.common.context import TurnoutContext
from turnout.storage import OutOfSpace

log = logging.getLogger(__name__)


async def on_error(update: object, context: TurnoutContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    full = isinstance(context.error, OutOfSpace)
    if not full:
        log.error(
            "update %s failed",
            update_id,
            exc_info=context.error,
            extra={"update_id": update_id},
        )
    if not isinstance(update, Update) or update.effective_user is None:
        return
    text = context.t("errors.out_of_space" if full else "errors.unexpected")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell user about the failure of update %s", update_id)
