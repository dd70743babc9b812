"""Answering a person: a reply, an edit of the message whose button was pressed, a toast, and
the one way a refusal or a use case's "no" is said."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from turnout.delivery.progress import not_modified
from turnout.handlers.common.context import TurnoutContext
from turnout.usecases.errors import UseCaseError
from turnout.views.reply import Reply


async def reply(update: Update, answer: Reply | str) -> Message:
    """Send ``answer`` to the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    if isinstance(answer, str):
        return await chat.send_message(answer)
    return await chat.send_message(answer.text, reply_markup=answer.markup)


async def explain(update: Update, context: TurnoutContext, error: UseCaseError) -> None:
    """Tell the person why not: a toast under a button, a message otherwise."""
    text = error.text(context.t)
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def refuse(update: Update, context: TurnoutContext) -> None:
    """Say no the same way for a command and a button press, and change nothing else."""
    text = context.t("access.refused")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def edit_in_place(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Update the message whose button was pressed; a second press that changes nothing (a
    double tap, the same answer again) is not an error."""
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


def text_of(update: Update) -> str:
    message = update.effective_message
    return (message.text or "").strip() if message is not None else ""
