"""Reading a command's arguments, with a short answer when they are wrong."""

from __future__ import annotations

from telegram import Message

from turnout.bot.context import TurnoutContext
from turnout.storage import Action


async def optional_action(
    message: Message, context: TurnoutContext, usage: str
) -> tuple[bool, Action | None]:
    """The action number a command may be given (``/export 12``): (True, the action, or None
    for all). (False, None) after telling the person what is wrong: ``usage`` (a message key)
    for something that is not a number, or that no such action exists."""
    argument = (context.args or [""])[0]
    if not argument:
        return True, None
    if not argument.isdigit():
        await message.reply_text(context.t(usage))
        return False, None
    action = await context.store.action(int(argument))
    if action is None:
        await message.reply_text(context.t("arguments.no_such_action", id=argument))
        return False, None
    return True, action
