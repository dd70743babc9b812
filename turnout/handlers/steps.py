"""What every step-by-step conversation (/newaction, /propose) does the same way: read the
text, answer in the chat, offer buttons, and say what a step expects when it gets something
else."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from turnout.bot.context import TurnoutContext

Step = Callable[[Update, TurnoutContext], Coroutine[Any, Any, int]]


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def text_of(update: Update) -> str:
    message = update.effective_message
    return (message.text or "").strip() if message is not None else ""


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await chat.send_message(text, reply_markup=markup)


def expected(state: int) -> Step:
    """Anything a step cannot use: say what it expects, and stay on it."""

    async def explain(update: Update, context: TurnoutContext) -> int:
        if update.callback_query is not None:
            await update.callback_query.answer(context.t("newaction.expected"), show_alert=True)
        else:
            await say(update, context.t("newaction.expected"))
        return state

    return explain
