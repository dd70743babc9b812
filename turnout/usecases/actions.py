"""Planning, changing and cancelling actions.

A change of time or place, or a cancellation, is announced to everyone who answered Going,
Maybe or joined the waitlist: the notice waits two minutes, and changes made meanwhile are
merged into it, so a burst of corrections makes one notice. A cancellation is told at once. A
new time replaces the reminders of the old one, and keeps the duration: the end moves with it.
A new end alone is shown on the card and in the calendar file; nobody is told of it. Each
change is one transaction with its notice and its reminders; the scheduler is woken after it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from turnout.permissions import ORGANISERS, allowed, may_manage
from turnout.scheduler.reminders import plan_reminders
from turnout.storage import Action, ActionStatus, NewAction
from turnout.usecases.errors import Gone, Invalid, NotAllowed
from turnout.usecases.fields import Spot, check_end
from turnout.usecases.rsvps import tell_promoted
from turnout.usecases.services import Services

#: Changes closer together than this make one notice.
NOTICE_DELAY = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class NewTitle:
    title: str


@dataclass(frozen=True, slots=True)
class NewDescription:
    description: str


@dataclass(frozen=True, slots=True)
class NewPlace:
    spot: Spot


@dataclass(frozen=True, slots=True)
class NewCapacity:
    capacity: int | None


@dataclass(frozen=True, slots=True)
class NewReminders:
    minutes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NewCampaign:
    """The campaign by name (None: none)."""

    name: str | None


@dataclass(frozen=True, slots=True)
class NewTime:
    """A new start; the duration is kept."""

    starts_at: datetime


@dataclass(frozen=True, slots=True)
class NewEnd:
    ends_at: datetime


ActionChange = (
    NewTitle
    | NewDescription
    | NewPlace
    | NewCapacity
    | NewReminders
    | NewCampaign
    | NewTime
    | NewEnd
)


def changed(action: Action, change: ActionChange) -> Action:
    """The action as the change will leave it (what the Confirm step shows)."""
    match change:
        case NewTitle(title):
            return replace(action, title=title)
        case NewDescription(description):
            return replace(action, description=description)
        case NewPlace(spot):
            place = action.place if spot.place is None else spot.place
            return replace(action, place=place, latitude=spot.latitude, longitude=spot.longitude)
        case NewCapacity(capacity):
            return replace(action, capacity=capacity)
        case NewReminders(minutes):
            return replace(action, reminder_minutes=minutes)
        case NewTime(starts_at):
            return replace(action, starts_at=starts_at, ends_at=starts_at + lasts(action))
        case NewEnd(ends_at):
            return replace(action, ends_at=ends_at)
        case NewCampaign():
            return action


def lasts(action: Action) -> timedelta:
    """How long the action lasts."""
    return action.end - action.starts_at


def tells_members(change: ActionChange) -> bool:
    """Whether everyone who answered is told of the change."""
    return isinstance(change, NewTime | NewPlace)


async def create_action(s: Services, actor: int, new: NewAction) -> Action:
    """Plan an action (organisers), with its reminders."""
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
    now = s.now()
    if new.starts_at <= now:
        raise Invalid("time.past")
    check_end(new.starts_at, new.end)
    action = await s.store.create_action(
        new, actor, plan_reminders(new.starts_at, new.reminder_minutes, now), now
    )
    await s.hooks.planner_changed()
    if new.host_id is not None:
        await s.hooks.roles_changed(new.host_id)  # a host now: /review in their menu
    return action


async def shown(s: Services, action_id: int) -> Action:
    """The action, for its card or its calendar file; Gone once deleted by retention."""
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("card.gone")
    return action


async def managed(s: Services, actor: int, action_id: int) -> Action:
    """The action, if it is still planned and ``actor`` manages it (an organiser, its host)."""
    action = await shown(s, action_id)
    if action.status is not ActionStatus.PLANNED:
        raise Gone("card.is_cancelled")
    if not may_manage(await s.roles_of(actor), actor, action.host_id):
        raise NotAllowed()
    return action


async def edit_action(s: Services, actor: int, action_id: int, change: ActionChange) -> Action:
    """Make one change to an action; rights are checked again at this moment."""
    action = await managed(s, actor, action_id)
    now, store = s.now(), s.store

    def planner(stored: Action) -> list[tuple[int, datetime]]:
        # From the action as stored: another organiser may have just changed the other half.
        return plan_reminders(stored.starts_at, stored.reminder_minutes, now)

    updated: Action | None
    match change:
        case NewTitle(title):
            updated = await store.edit_action(action.id, {"title": title}, actor, now)
        case NewDescription(description):
            updated = await store.edit_action(action.id, {"description": description}, actor, now)
        case NewPlace(spot):
            fields: dict[str, object] = {"latitude": spot.latitude, "longitude": spot.longitude}
            if spot.place is not None:
                fields["place"] = spot.place
            updated = await store.edit_action(
                action.id, fields, actor, now, notice_due=now + NOTICE_DELAY
            )
        case NewCapacity(capacity):
            result = await store.set_capacity(action.id, capacity, actor, now)
            updated = None if result is None else result[0]
            if result is not None:
                await tell_promoted(s, result[0], result[1])
        case NewReminders(minutes):
            updated = await store.reschedule_action(
                action.id, planner, actor, now, reminder_minutes=minutes
            )
        case NewCampaign(name):
            updated = await _set_campaign(s, actor, action, name)
        case NewTime(starts_at):
            if starts_at <= now:
                raise Invalid("time.past")
            updated = await store.reschedule_action(
                action.id, planner, actor, now, starts_at=starts_at, notice_due=now + NOTICE_DELAY
            )
        case NewEnd(ends_at):
            if ends_at <= now:
                raise Invalid("end.past")
            check_end(action.starts_at, ends_at)
            updated = await store.reschedule_action(action.id, planner, actor, now, ends_at=ends_at)
            if updated is None and (stored := await store.action(action.id)) is not None:
                check_end(stored.starts_at, ends_at)  # the start moved meanwhile: says so
    if updated is None:
        raise Gone()  # cancelled meanwhile
    if isinstance(change, NewPlace | NewReminders | NewTime | NewEnd):
        await s.hooks.planner_changed()
    return updated


async def _set_campaign(s: Services, actor: int, action: Action, name: str | None) -> Action | None:
    """Campaigns are the organisers' view: a host does not move their action between them."""
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
    campaign = None if name is None else await s.store.campaign_named(name)
    if name is not None and campaign is None:
        raise Invalid("export.no_campaign", name=name)
    changes = {"campaign_id": campaign.id if campaign else None}
    return await s.store.edit_action(action.id, changes, actor, s.now())


async def cancel_action(s: Services, actor: int, action_id: int) -> Action:
    """Cancel an action: no reminder goes out, and everyone who answered is told at once."""
    action = await managed(s, actor, action_id)
    cancelled = await s.store.cancel_action(action.id, actor, s.now())
    if cancelled is None:
        raise Gone()
    await s.hooks.planner_changed()
    # Cards kept up to date on the day say so too (a refresh still queued would not).
    s.hooks.checkins_changed(cancelled.id)
    return cancelled
