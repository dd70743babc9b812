"""/start: register the member, greet them, and follow the link they came by."""

from __future__ import annotations

from telegram import Update

from turnout.handlers import actions, invite, places, propose, report
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import ensure_member
from turnout.handlers.common.replies import reply
from turnout.views.links import read_start
from turnout.views.members import welcome


async def start(update: Update, context: TurnoutContext) -> None:
    member, created = await ensure_member(update, context)
    link = read_start(context.args[0]) if context.args else None
    if link is None or created:
        # A link followed by someone new: the greeting first, then what the link asks for.
        await reply(update, welcome(context.t, member, returning=not created))
    if link is None:
        return
    match link.to:
        case "inv":
            await invite.redeem(update, context, str(link.value))
        case "rep":
            await report.begin(update, context, link.number)
        case "near":
            campaign = None if link.value is None else link.number
            await places.ask_location(update, context, campaign)
        case "prop":
            await propose.invited(update, context, link.number)
        case "act":
            await actions.show_card(update, context, link.number)
