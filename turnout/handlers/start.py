"""/start: register the member, greet them, and follow deep links (``inv_…``)."""

from __future__ import annotations

from telegram import Update

from turnout.bot.context import TurnoutContext
from turnout.handlers.actions import show_card
from turnout.handlers.arguments import as_id
from turnout.handlers.invites import redeem_invite
from turnout.handlers.members import ensure_member
from turnout.handlers.places import ask_location
from turnout.handlers.proposals import invite_to_propose
from turnout.handlers.reports import start_report
from turnout.views.members import welcome

INVITE_PREFIX = "inv_"
ACTION_PREFIX = "act_"
REPORT_PREFIX = "rep_"
PROPOSE_PREFIX = "prop_"
NEAR = "near"
NEAR_PREFIX = "near_"


async def start(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    member, created = await ensure_member(update, context)
    payload = context.args[0] if context.args else ""
    if payload.startswith(INVITE_PREFIX):
        if created:
            reply = welcome(context.t, member, returning=False)
            await message.reply_text(reply.text, reply_markup=reply.markup)
        await redeem_invite(update, context, payload.removeprefix(INVITE_PREFIX))
        return
    if payload.startswith(REPORT_PREFIX) and as_id(payload.removeprefix(REPORT_PREFIX)) is not None:
        if created:
            reply = welcome(context.t, member, returning=False)
            await message.reply_text(reply.text, reply_markup=reply.markup)
        await start_report(update, context, int(payload.removeprefix(REPORT_PREFIX)))
        return
    if payload == NEAR or payload.startswith((NEAR_PREFIX, PROPOSE_PREFIX)):
        if created:
            reply = welcome(context.t, member, returning=False)
            await message.reply_text(reply.text, reply_markup=reply.markup)
        if payload == NEAR or payload.startswith(NEAR_PREFIX):
            await ask_location(update, context, as_id(payload.removeprefix(NEAR_PREFIX)))
        else:
            await invite_to_propose(update, context, as_id(payload.removeprefix(PROPOSE_PREFIX)))
        return
    action_id = payload.removeprefix(ACTION_PREFIX)
    if payload.startswith(ACTION_PREFIX) and as_id(action_id) is not None:
        if created:
            reply = welcome(context.t, member, returning=False)
            await message.reply_text(reply.text, reply_markup=reply.markup)
        await show_card(update, context, int(action_id))
        return
    reply = welcome(context.t, member, returning=not created)
    await message.reply_text(reply.text, reply_markup=reply.markup)
