"""Going / Maybe / Can't go on a card; the card is updated in place."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.cards import action_card, out_of_date
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import edit_in_place
from turnout.i18n import N_
from turnout.storage import Answer
from turnout.usecases import rsvps
from turnout.usecases.errors import Declined
from turnout.views.actions import answer_name
from turnout.views.buttons import Rsvp


async def rsvp_button(update: Update, context: TurnoutContext, data: Rsvp) -> None:
    query = update.callback_query
    assert query is not None
    member = await known_member(update, context)
    try:
        change = await rsvps.answer(context.services, member.user_id, data.action, data.answer)
    except Declined as error:  # cancelled or started since the card was shown
        await out_of_date(update, context, data.action, error)
        return
    key = N_("rsvp.waitlisted") if change.answer is Answer.WAITLISTED else N_("rsvp.recorded")
    await query.answer(context.t(key, answer=answer_name(context.t, change.answer)))
    action = await context.store.action(data.action)
    if action is not None and query.message is not None:
        card = await action_card(context, member.user_id, action)
        await edit_in_place(query, card.text, card.markup)
