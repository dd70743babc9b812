"""The one error handler: log with the update id (never the token), tell the user, go on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from turnout.handlers.common.context import TurnoutContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: TurnoutContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "update %s failed",
        update_id,
        exc_info=context.error,
        extra={"update_id": update_id},
    )
    if not isinstance(update, Update) or update.effective_user is None:
        return
    text = context.t("errors.unexpected")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell user about the failure of update %s", update_id)
