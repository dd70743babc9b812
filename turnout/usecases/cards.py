"""An action's card as one reader sees it at one moment: read from the store and rendered with
``views.actions.card``. Handlers call it through ``handlers.common.cards.action_card``; the
job that keeps organisers' cards up to date on the day calls it for each reader, with no
update to answer (``usecases.checkins.refresh_live_cards``)."""

from __future__ import annotations

from datetime import datetime

from turnout.i18n import Translator
from turnout.permissions import may_manage
from turnout.scheduler.checkins import checkin_open, on_the_day
from turnout.storage import Action, Role, Store
from turnout.views.actions import DayView, card
from turnout.views.reply import Reply


async def day_view(
    store: Store, action: Action, user_id: int, now: datetime, *, manages: bool
) -> DayView:
    """What the card shows ``user_id`` of the day of ``action`` at ``now``."""
    if not on_the_day(action, now):
        return DayView(started=action.starts_at <= now)
    checkin = await store.checkin_of(action.id, user_id)
    attendance = safety = None
    if manages:
        attendance = await store.attendance(action.id)
        # An action nobody checked in at is settled without asking: no line of zeros.
        if action.safety_round and attendance.here:
            safety = await store.safety_counts(action.id)
    return DayView(
        started=action.starts_at <= now,
        checkin_open=checkin_open(action, now),
        checked_in=checkin is not None,
        attendance=attendance,
        safety=safety,
        safety_round=action.safety_round,
    )


async def card_of(
    store: Store,
    action: Action,
    user_id: int,
    roles: frozenset[Role],
    now: datetime,
    t: Translator,
    zone: str,
) -> Reply:
    """The card of ``action`` for ``user_id`` (who holds ``roles``), in ``t``'s language and
    with times in ``zone``: their answer, and the organisers' numbers and buttons when they
    manage it."""
    mine = await store.rsvp_of(action.id, user_id)
    manages = may_manage(roles, user_id, action.host_id)
    counts = await store.rsvp_counts(action.id)
    day = await day_view(store, action, user_id, now, manages=manages)
    return card(t, action, counts, mine, zone, organiser=manages, day=day)
