"""Updating the message whose button was pressed: a second press that changes nothing (a
double tap, the same answer again) is not an error."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest


def not_modified(error: BadRequest) -> bool:
    """Telegram's answer to an edit that would leave the message as it is."""
    return "not modified" in error.message.lower()


async def edit_in_place(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if not not_modified(error):
            raise


async def edit_buttons_in_place(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest as error:
        if not not_modified(error):
            raise
