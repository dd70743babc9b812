"""An action's card as the person looking at it should see it: their answer, the action's
time in the right zone, and the buttons of an organiser or the host when they are one."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, explain
from turnout.limits import ACTION_DAY_LATEST, CHECKIN_OPENS
from turnout.permissions import may_manage
from turnout.storage import Action, ActionStatus
from turnout.usecases.errors import UseCaseError
from turnout.views.actions import DayView, card, display_zone
from turnout.views.reply import Reply


def action_zone(context: TurnoutContext, action: Action) -> str:
    """The zone an action's time is shown and read in (see ``display_zone``)."""
    return display_zone(action, context.timezone)


def checkin_open(action: Action, now: datetime) -> bool:
    """ "I'm here" is offered from an hour before the start until the end."""
    return (
        action.status is ActionStatus.PLANNED
        and action.starts_at - CHECKIN_OPENS <= now < action.end
    )


def on_the_day(action: Action, now: datetime) -> bool:
    """From check-in's opening until a while after the end: the card shows the day's numbers."""
    return action.starts_at - CHECKIN_OPENS <= now < action.end + ACTION_DAY_LATEST


async def day_view(
    context: TurnoutContext, user_id: int, action: Action, *, manages: bool
) -> DayView:
    """What the card shows ``user_id`` of the day of ``action`` right now."""
    store, now = context.store, context.now()
    if not on_the_day(action, now):
        return DayView(started=action.starts_at <= now)
    checkin = await store.checkin_of(action.id, user_id)
    attendance = safety = None
    if manages:
        attendance = await store.attendance(action.id)
        if action.safety_round:
            safety = await store.safety_counts(action.id)
    return DayView(
        started=action.starts_at <= now,
        checkin_open=checkin_open(action, now),
        checked_in=checkin is not None,
        attendance=attendance,
        safety=safety,
        safety_round=action.safety_round,
    )


async def action_card(context: TurnoutContext, user_id: int, action: Action) -> Reply:
    store = context.store
    mine = await store.rsvp_of(action.id, user_id)
    manages = may_manage(await context.roles_of(user_id), user_id, action.host_id)
    counts = await store.rsvp_counts(action.id)
    day = await day_view(context, user_id, action, manages=manages)
    return card(
        context.t, action, counts, mine, action_zone(context, action), organiser=manages, day=day
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
