"""Reading a command's arguments, with a short answer when they are wrong."""

from __future__ import annotations

from telegram import Message

from turnout.bot.context import TurnoutContext
from turnout.storage import Action

MAX_DIGITS = 16  # Telegram ids fit in 52 bits (channels: -100 and 10 digits more)


def as_id(text: str) -> int | None:
    """A number typed or carried in button data, or None: ASCII digits only ("²" is a digit to
    Python, and int() refuses it), and no more than an id can have."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


async def optional_action(
    message: Message, context: TurnoutContext, usage: str
) -> tuple[bool, Action | None]:
    """The action number a command may be given (``/export 12``): (True, the action, or None
    for all). (False, None) after telling the person what is wrong: ``usage`` (a message key)
    for something that is not a number, or that no such action exists."""
    argument = (context.args or [""])[0]
    if not argument:
        return True, None
    if as_id(argument) is None:
        await message.reply_text(context.t(usage))
        return False, None
    action = await context.store.action(int(argument))
    if action is None:
        await message.reply_text(context.t("arguments.no_such_action", id=argument))
        return False, None
    return True, action
