"""/help, and the answer to anything the bot does not understand."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import reply
from turnout.permissions import allowed
from turnout.views.members import help_text


async def show_help(update: Update, context: TurnoutContext) -> None:
    """List exactly the commands this user may use."""
    assert update.effective_user is not None
    held = await context.roles_of(update.effective_user.id)
    usable = [
        (command.name, command.help)
        for command in context.bot_data.commands
        if allowed(held, command.roles)
    ]
    await reply(update, help_text(context.t, usable, held))


async def unknown_command(update: Update, context: TurnoutContext) -> None:
    await reply(update, context.t("help.unknown_command"))


async def nothing_to_cancel(update: Update, context: TurnoutContext) -> None:
    await reply(update, context.t("help.nothing_to_cancel"))


async def stale_button(update: Update, context: TurnoutContext) -> None:
    """A press nothing else answered (a button of an older version, forged data): never a
    silent no-op."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.t("roles.bad_button"), show_alert=True)
