"""An action's card as the person looking at it should see it: their answer, the action's
time in the right zone, and the buttons of an organiser or the host when they are one."""

from __future__ import annotations

from turnout.handlers.common.context import TurnoutContext
from turnout.permissions import may_manage
from turnout.storage import Action
from turnout.views.actions import card, display_zone
from turnout.views.reply import Reply


def action_zone(context: TurnoutContext, action: Action) -> str:
    """The zone an action's time is shown and read in (see ``display_zone``)."""
    return display_zone(action, context.timezone)


async def action_card(context: TurnoutContext, user_id: int, action: Action) -> Reply:
    store = context.store
    mine = await store.rsvp_of(action.id, user_id)
    manages = may_manage(await context.roles_of(user_id), user_id, action.host_id)
    counts = await store.rsvp_counts(action.id)
    return card(context.t, action, counts, mine, action_zone(context, action), organiser=manages)
