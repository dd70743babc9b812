"""Checking in on the day of an action (README, "Action day"), and keeping the organisers'
cards up to date as people do.

A member going to an action says "I'm here" from an hour before the start (``CHECKIN_OPENS``)
until the end. A location shared then, within ``CHECKIN_RADIUS_METRES`` of the action's point,
confirms the check-in on the spot; the location itself is only compared, never stored nor
logged. Each check-in wakes the refresh of the cards organisers and the host opened on the
day (``Hooks.checkins_changed``), which edits them in place through the outbox, at most once
every ``LIVE_CARD_EVERY`` per action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from turnout.delivery import Payload
from turnout.limits import ACTION_DAY_LATEST
from turnout.permissions import may_manage
from turnout.scheduler.checkins import (
    Window,
    checkin_opens,
    checkin_window,
    confirms,
    is_last_reminder,
    metres_away,
    on_the_day,
)
from turnout.storage import Action, ActionStatus, Checkin, Recipient
from turnout.storage.purposes import LiveCard, stamp
from turnout.usecases.cards import card_of
from turnout.usecases.errors import Declined, Gone, Invalid
from turnout.usecases.services import Services
from turnout.views.actions import display_zone, reminder
from turnout.views.checkins import here_button
from turnout.views.reply import Reply
from turnout.views.timefmt import local_time


@dataclass(frozen=True, slots=True)
class CheckedIn:
    """A check-in as it stands after "I'm here"; ``new``: this press made it."""

    action: Action
    checkin: Checkin
    new: bool

    @property
    def asks_location(self) -> bool:
        """Whether a location could still confirm it: not confirmed, and the action has a
        point to compare with."""
        return not self.checkin.confirmed and self.action.has_location


@dataclass(frozen=True, slots=True)
class Located:
    """What a shared location showed: how far from the action's point, and whether that
    confirmed the check-in."""

    action: Action
    metres: float
    confirmed: bool


async def check_in(s: Services, user_id: int, action_id: int) -> CheckedIn:
    """ "I'm here": only while check-in is open, only for a member going. A second press
    changes nothing."""
    action = await _open_action(s, user_id, action_id)
    before = await s.store.checkin_of(action.id, user_id)
    checkin = await s.store.check_in(action.id, user_id, s.now())
    if checkin is None:  # not going (or cancelled since the look above)
        raise Declined("checkin.not_going")
    if before is None:
        s.hooks.checkins_changed(action.id)
    return CheckedIn(action, checkin, new=before is None)


async def confirm_location(
    s: Services, user_id: int, action_id: int, latitude: float, longitude: float
) -> Located:
    """A location shared after "I'm here": within reach of the action's point it confirms the
    check-in (and checks the member in, should they not be yet). The location is compared
    here and forgotten: it is neither stored nor logged."""
    action = await _open_action(s, user_id, action_id)
    metres = metres_away(action, latitude, longitude)
    if metres is None:
        raise Invalid("checkin.no_point")
    confirmed = confirms(metres)
    before = await s.store.checkin_of(action.id, user_id)
    checkin = await s.store.check_in(action.id, user_id, s.now(), confirmed=confirmed)
    if checkin is None:
        raise Gone("checkin.not_going")
    if before is None or before.confirmed != checkin.confirmed:
        s.hooks.checkins_changed(action.id)
    return Located(action, metres, checkin.confirmed)


async def _open_action(s: Services, user_id: int, action_id: int) -> Action:
    """The action, while check-in is open; why not, otherwise. Check-in not open yet is said
    with its opening time, in the member's zone and words."""
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("card.gone")
    match checkin_window(action, s.now()):
        case Window.CANCELLED:
            raise Gone("checkin.cancelled")
        case Window.OVER:
            raise Gone("checkin.over")
        case Window.NOT_YET:
            member = await s.member(user_id)
            t = s.translator(member.language if member else None)
            zone = display_zone(action, member.timezone if member else s.settings.timezone)
            raise Declined(
                "checkin.not_yet", time=local_time(checkin_opens(action), zone, t.language)
            )
    return action


# -- the organisers' cards on the day ------------------------------------------------------


async def watch_card(
    s: Services, user_id: int, chat_id: int, action: Action, message_id: int
) -> bool:
    """A card ``user_id`` was just shown in ``chat_id``: on the day of the action, in their
    private chat, and when they manage it, it is kept up to date as people check in (their
    latest card of that action). True when it is."""
    now = s.now()
    if (
        chat_id != user_id
        or action.status is not ActionStatus.PLANNED
        or not on_the_day(action, now)
        or not may_manage(await s.roles_of(user_id), user_id, action.host_id)
    ):
        return False
    await s.store.remember_live_card(chat_id, action.id, message_id, now)
    await s.store.forget_past_live_cards(now - ACTION_DAY_LATEST)  # days over since
    return True


async def refresh_live_cards(s: Services, action_id: int) -> int:
    """Edit every card kept up to date for ``action_id`` to the numbers as they are now, each
    in its reader's language and zone, through the outbox (one batch, replacing any refresh
    still waiting there). A reader who no longer manages the action, or who was forgotten,
    is dropped; so are all of them once the day is over. How many edits were queued."""
    store, now = s.store, s.now()
    action = await store.action(action_id)
    # A cancelled action's cards go on too, while the day lasts: they now say it was cancelled,
    # and a check of those who were there (the police dispersed it) is counted on them.
    if action is None or not on_the_day(action, now):
        await store.forget_live_cards(action_id)
        return 0
    edits: list[tuple[int, Payload]] = []
    for chat_id, message_id in await store.live_cards(action_id):
        member = await store.member(chat_id)
        roles = await s.roles_of(chat_id)
        if member is None or not may_manage(roles, chat_id, action.host_id):
            await store.forget_live_card(chat_id, action_id)
            continue
        t = s.translator(member.language)
        zone = display_zone(action, member.timezone)
        card = await card_of(store, action, chat_id, roles, now, t, zone)
        edits.append((chat_id, replace(card.to_payload(), edit_of=message_id)))
    if not edits:
        return 0
    await store.drop_pending_live_cards(action_id)
    return await s.outbox.enqueue(LiveCard(action_id, stamp(now)), edits)


# -- the last reminder ---------------------------------------------------------------------


async def reminder_messages(
    s: Services, action: Action, minutes: int, recipients: Sequence[Recipient]
) -> list[tuple[int, str]]:
    """Each recipient's reminder of ``action`` (``minutes`` before), in their language and
    zone. The last one of the action (its smallest offset, or any within check-in's hour)
    carries "I'm here" for those going: they will press it on the spot."""
    going: frozenset[int] = frozenset()
    if is_last_reminder(action, minutes):
        going = await s.store.going_ids(action.id)
    messages = []
    for person in recipients:
        t = s.translator(person.language)
        text = reminder(t, action, minutes, person.timezone)
        markup = here_button(t, action) if person.user_id in going else None
        messages.append((person.user_id, Reply(text, markup).to_payload().to_json()))
    return messages
