"""/start: register the member, greet them, and follow the link they came by."""

from __future__ import annotations

from telegram import Update

from turnout.handlers import actions, invite, places, propose, report
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import ensure_member
from turnout.handlers.common.replies import reply
from turnout.views.links import (
    ActionLink,
    InviteLink,
    NearLink,
    ProposeLink,
    ReportLink,
    read_start,
)
from turnout.views.members import welcome


async def start(update: Update, context: TurnoutContext) -> None:
    member, created = await ensure_member(update, context)
    link = read_start(context.args[0]) if context.args else None
    if link is None or created:
        # A link followed by someone new: the greeting first, then what the link asks for.
        await reply(update, welcome(context.t, member, returning=not created))
    match link:
        case InviteLink(token):
            await invite.redeem(update, context, token)
        case ReportLink(action):
            await report.begin(update, context, action)
        case NearLink(campaign):
            await places.ask_location(update, context, campaign)
        case ProposeLink(campaign):
            await propose.invited(update, context, campaign)
        case ActionLink(action):
            await actions.show_card(update, context, action)
