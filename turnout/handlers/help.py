"""/help and the answer to anything the bot does not understand."""

from __future__ import annotations

from telegram import Update

from turnout.bot.context import TurnoutContext
from turnout.permissions import allowed
from turnout.views.members import help_text


async def show_help(update: Update, context: TurnoutContext) -> None:
    """List exactly the commands this user may use."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    held = await context.roles_of(update.effective_user.id)
    usable = [
        (command.name, command.help)
        for command in context.bot_data.commands
        if allowed(held, command.roles)
    ]
    await message.reply_text(help_text(context.t, usable, held))


async def unknown_command(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(context.t("help.unknown_command"))


async def nothing_to_cancel(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(context.t("help.nothing_to_cancel"))
