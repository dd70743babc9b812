"""An action's card as the person looking at it should see it: their answer, the action's
time in the right zone, and the buttons of an organiser or the host when they are one."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, explain
from turnout.storage import Action
from turnout.usecases import cards
from turnout.usecases.errors import UseCaseError
from turnout.views.actions import display_zone
from turnout.views.reply import Reply


def action_zone(context: TurnoutContext, action: Action) -> str:
    """The zone an action's time is shown and read in (see ``display_zone``)."""
    return display_zone(action, context.timezone)


async def action_card(context: TurnoutContext, user_id: int, action: Action) -> Reply:
    """The card of ``action`` for ``user_id``, in the language and zone of this update's reader
    (``usecases.cards.card_of`` renders it for anyone, from anywhere)."""
    roles = await context.roles_of(user_id)
    zone = action_zone(context, action)
    return await cards.card_of(
        context.store, action, user_id, roles, context.now(), context.t, zone
    )


async def out_of_date(
    update: Update, context: TurnoutContext, action_id: int, error: UseCaseError
) -> None:
    """A press on a card that no longer holds: say why, and show the card as it is now in
    place of the message pressed."""
    query = update.callback_query
    assert query is not None
    await explain(update, context, error)
    action = await context.store.action(action_id)
    if action is not None and query.message is not None:
        card = await action_card(context, query.from_user.id, action)
        await edit_in_place(query, card.text, card.markup)
