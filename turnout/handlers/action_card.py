"""The organiser's (and the host's) buttons on an action's card: Edit, which lists the fields
(``action_edit`` asks for a new value), and Cancel, which asks first."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.cards import action_card, out_of_date
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.permissions import ORGANISERS, allowed
from turnout.usecases import actions
from turnout.usecases.errors import Gone
from turnout.views.actions import cancel_confirmation, edit_menu
from turnout.views.buttons import ManageAction


async def manage_button(update: Update, context: TurnoutContext, data: ManageAction) -> None:
    try:
        await _manage(update, context, data)
    except Gone as error:  # cancelled since the card was shown
        await out_of_date(update, context, data.action, error)


async def _manage(update: Update, context: TurnoutContext, data: ManageAction) -> None:
    query = update.callback_query
    assert query is not None
    s, user_id, t = context.services, query.from_user.id, context.t
    if data.verb == "cancel_yes":
        cancelled = await actions.cancel_action(s, user_id, data.action)
        await query.answer(t("organise.cancelled"))
        card = await action_card(context, user_id, cancelled)
        await edit_in_place(query, card.text, card.markup)
        return
    action = await actions.managed(s, user_id, data.action)
    await query.answer()
    if data.verb == "edit":
        organiser = allowed(await context.roles_of(user_id), ORGANISERS)
        await reply(update, edit_menu(t, action, organiser=organiser))
    else:
        await reply(update, cancel_confirmation(t, action))
