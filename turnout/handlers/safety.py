"""The safety check's buttons (README, "Action day"): "I'm safe" / "I need help" under "Are
you safe?", whether to share one's contact with the safety team, and on the card of an
organiser or the host, asking now or once more."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.cards import action_card, out_of_date
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import edit_buttons_in_place, edit_in_place, reply
from turnout.storage import Safety
from turnout.usecases import safety
from turnout.usecases.errors import Declined, Gone
from turnout.views.buttons import RunSafetyCheck, SafetyReply, ShareContact
from turnout.views.safety import not_shared, safety_buttons, share_question, shared


async def safety_reply(update: Update, context: TurnoutContext, data: SafetyReply) -> None:
    """The answer is recorded and marked on the buttons (it may change: the latest counts);
    "I need help" asks whether to share one's contact."""
    query = update.callback_query
    assert query is not None
    member = await known_member(update, context)
    answered = await safety.answer(context.services, member.user_id, data.action, data.answer)
    t = context.t
    if data.answer is Safety.SAFE:
        await query.answer(t("safety.safe_thanks"))
    else:
        await query.answer()
    await edit_buttons_in_place(query, safety_buttons(t, data.action, data.answer))
    if data.answer is Safety.HELP:
        await reply(update, share_question(t, data.action, answered.team))


async def share_contact(update: Update, context: TurnoutContext, data: ShareContact) -> None:
    """ "Yes, share": the team is told, with the name and @username Telegram gives with this
    press (not stored). "No": nothing is shared, and what one can do instead."""
    query = update.callback_query
    assert query is not None
    user = query.from_user
    await known_member(update, context)
    reach = (user.full_name, user.username) if data.share else None
    team = await safety.share(context.services, user.id, data.action, reach)
    await query.answer()
    await edit_buttons_in_place(query, None)  # answered: no second press
    await reply(update, not_shared(context.t) if team is None else shared(context.t, team))


async def run_check(update: Update, context: TurnoutContext, data: RunSafetyCheck) -> None:
    """On the card: ask everyone checked in now, or those without an answer once more; the
    card then shows the answers as they come."""
    query = update.callback_query
    assert query is not None
    user_id, t = query.from_user.id, context.t
    try:
        asked = await safety.run_check(context.services, user_id, data.action, data.verb)
    except (Gone, Declined) as error:  # asked already, or nobody to ask: the card as it is
        await out_of_date(update, context, data.action, error)
        return
    again = data.verb == "again"
    await query.answer(t.plural("safety.asked_again" if again else "safety.asked", asked))
    action = await context.store.action(data.action)
    if action is not None and query.message is not None:
        card = await action_card(context, user_id, action)
        await edit_in_place(query, card.text, card.markup)
