"""Actions themselves on a real SQLite file: creating, editing, capacity, new times, cancelling.

Answers are in ``test_rsvps``, reminders in ``test_reminders`` and notices in ``test_notices``;
what moving or cancelling does to them is checked here, since it happens in the same call.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import (
    ORGANISER,
    START,
    ActionFactory,
    ReadDb,
    audited,
    new_action,
    plan_for,
    planner,
)
from turnout.storage import ActionStatus, Answer, Conflict, DeliveryStatus, Role, Store
from turnout.storage.purposes import Reminder

LATER = START + timedelta(days=1)


async def test_an_action_is_created_with_its_reminders_and_audited(store: Store) -> None:
    plan = plan_for(START, (1440, 120))
    action = await store.create_action(new_action(), ORGANISER, plan, NOW)
    assert (action.title, action.starts_at, action.reminder_minutes) == (
        "Tenants' Picket",
        START,
        (1440, 120),
    )
    assert (action.status, action.revision, action.created_by) == (
        ActionStatus.PLANNED,
        1,
        ORGANISER,
    )
    assert await store.reminders_of(action.id) == [
        (1, 1440, START - timedelta(days=1), "planned"),
        (1, 120, START - timedelta(hours=2), "planned"),
    ]
    assert await store.next_reminder_due() == START - timedelta(days=1)
    [entry] = await store.audit_entries()
    assert (entry.action, entry.actor_id, json.loads(entry.detail)) == (
        "action:create",
        ORGANISER,
        {"action": action.id},
    )
    assert await store.upcoming_actions(NOW, 10) == [action]
    assert await store.upcoming_actions(START, 10) == [], "an action that has started is past"


async def test_an_action_reads_back_as_it_was_returned(store: Store) -> None:
    new = new_action(
        description="Bring banners",
        latitude=44.8125,
        longitude=20.4612,
        capacity=30,
        city_id=792680,
        city="Belgrade",
        country="RS",
        timezone="Europe/Belgrade",
        starts_at=START + timedelta(microseconds=123456),
    )
    action = await store.create_action(new, ORGANISER, [], NOW)
    assert await store.action(action.id) == action
    assert action.starts_at == START, "kept to the second"
    assert (action.city, action.country, action.has_location) == ("Belgrade", "RS", True)
    assert await store.action(action.id + 1) is None


async def test_a_hosted_action_makes_its_host_a_host(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    action = await store.create_action(new_action(host_id=ana.user_id), ORGANISER, [], NOW)
    assert action.host_id == ana.user_id
    assert await store.roles_of(ana.user_id) == {Role.HOST}
    [holder] = await store.role_holders()
    assert (holder.user_id, holder.granted_by) == (ana.user_id, ORGANISER)
    # A second action keeps the role as it was first granted.
    await store.create_action(new_action(host_id=ana.user_id), ORGANISER + 1, [], NOW)
    assert [h.granted_by for h in await store.role_holders()] == [ORGANISER]
    entries = await store.audit_entries()
    assert [e.target_id for e in entries if e.action == "action:create"] == [ana.user_id] * 2
    # Audited as a grant once (the owners hear of a new host), not at the second hosting.
    grants = [(e.target_id, e.actor_id) for e in entries if e.action == "role:grant"]
    assert grants == [(ana.user_id, ORGANISER)]


async def test_a_failed_creation_leaves_no_action_and_no_reminder(
    store: Store, read_db: ReadDb
) -> None:
    """The host must be a member (roles point at members): the whole creation is undone."""
    with pytest.raises(Conflict):
        await store.create_action(new_action(host_id=999), ORGANISER, plan_for(START, (120,)), NOW)
    assert read_db("SELECT COUNT(*) FROM actions") == [(0,)]
    assert read_db("SELECT COUNT(*) FROM reminders") == [(0,)]
    assert await store.audit_entries() == []


async def test_upcoming_actions_are_soonest_first_and_paged(
    store: Store, make_action: ActionFactory
) -> None:
    late = await make_action(starts_at=START + timedelta(hours=5))
    soon = await make_action(starts_at=START)
    same_time = await make_action(starts_at=START)
    cancelled = await make_action(starts_at=START)
    await store.cancel_action(cancelled.id, ORGANISER, NOW)
    assert [a.id for a in await store.upcoming_actions(NOW, 10)] == [
        soon.id,
        same_time.id,
        late.id,
    ]
    assert [a.id for a in await store.upcoming_actions(NOW, 2, offset=1)] == [
        same_time.id,
        late.id,
    ]
    assert await store.count_upcoming_actions(NOW) == 3
    assert await store.count_upcoming_actions(START) == 1


async def test_reportable_actions_are_recent_or_upcoming_and_not_cancelled(
    store: Store, make_action: ActionFactory
) -> None:
    old = await make_action(starts_at=NOW - timedelta(days=10), reminder_minutes=())
    recent = await make_action(starts_at=NOW - timedelta(days=1), reminder_minutes=())
    upcoming = await make_action(starts_at=START)
    called_off = await make_action(starts_at=START + timedelta(days=1))
    await store.cancel_action(called_off.id, ORGANISER, NOW)
    found = await store.reportable_actions(NOW - timedelta(days=3))
    assert [a.id for a in found] == [upcoming.id, recent.id]
    month = await store.reportable_actions(NOW - timedelta(days=30))
    assert [a.id for a in month] == [upcoming.id, recent.id, old.id]
    assert await store.reportable_actions(NOW - timedelta(days=30), limit=1) == month[:1]


async def test_an_edit_changes_only_what_was_asked_and_is_audited(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    edited = await store.edit_action(
        action.id, {"title": "Rent Strike", "description": "Bring a chair"}, 8, NOW
    )
    assert edited is not None
    assert edited == await store.action(action.id)
    assert (edited.title, edited.description) == ("Rent Strike", "Bring a chair")
    assert edited.revision == action.revision, "an edit does not move the action in time"
    assert (edited.starts_at, edited.place, edited.capacity) == (
        action.starts_at,
        action.place,
        action.capacity,
    )
    entry = (await store.audit_entries())[0]
    assert (entry.action, entry.actor_id, json.loads(entry.detail)) == (
        "action:edit",
        8,
        {"action": action.id, "fields": ["description", "title"]},
    )
    assert await store.due_notices(START) == [], "a new title is not a change to tell"


async def test_a_new_place_plans_one_notice_that_waits_for_more_corrections(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    first_due = NOW + timedelta(minutes=5)
    await store.edit_action(action.id, {"place": "Town hall"}, ORGANISER, NOW, notice_due=first_due)
    second_due = NOW + timedelta(minutes=7)
    await store.edit_action(
        action.id,
        {"place": "Town hall, steps", "latitude": 1.5, "longitude": 2.5},
        ORGANISER,
        NOW + timedelta(minutes=2),
        notice_due=second_due,
    )
    assert await store.due_notices(first_due) == [], "moved to the later correction"
    [(_, told, changes)] = await store.due_notices(second_due)
    assert changes == {"place"}
    assert (told.place, told.latitude, told.longitude) == ("Town hall, steps", 1.5, 2.5)


@pytest.mark.parametrize("field", ["capacity", "reminder_minutes", "starts_at", "status"])
async def test_time_and_seats_are_not_edited_as_plain_fields(
    store: Store, make_action: ActionFactory, field: str
) -> None:
    action = await make_action(capacity=5)
    with pytest.raises(ValueError, match="not editable"):
        await store.edit_action(action.id, {field: None, "title": "x"}, ORGANISER, NOW)
    assert await store.action(action.id) == action
    assert await audited(store) == ["action:create"]


async def test_raising_the_capacity_moves_the_longest_waiting_up(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    ana, ben, cleo = [await make_member() for _ in range(3)]
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    # Cleo waits longer than Ben, though Ben has the lower id.
    await store.answer_rsvp(action.id, cleo.user_id, Answer.GOING, NOW + timedelta(seconds=1))
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW + timedelta(seconds=2))
    result = await store.set_capacity(action.id, 2, 8, NOW + timedelta(seconds=3))
    assert result is not None
    changed, promoted = result
    assert (changed.capacity, promoted) == (2, (cleo.user_id,))
    assert await store.rsvp_of(action.id, cleo.user_id) is Answer.GOING
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.WAITLISTED
    entry = (await store.audit_entries())[0]
    assert (entry.action, entry.actor_id, json.loads(entry.detail)) == (
        "action:edit",
        8,
        {"action": action.id, "fields": ["capacity"], "promoted": 1},
    )


async def test_lifting_the_limit_moves_everyone_waiting_up(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    people = [await make_member() for _ in range(4)]
    for second, person in enumerate(people):
        await store.answer_rsvp(
            action.id, person.user_id, Answer.GOING, NOW + timedelta(seconds=second)
        )
    result = await store.set_capacity(action.id, None, ORGANISER, NOW + timedelta(minutes=1))
    assert result is not None
    assert result[0].capacity is None
    assert sorted(result[1]) == [p.user_id for p in people[1:]]
    counts = await store.rsvp_counts(action.id)
    assert (counts.going, counts.waitlisted) == (4, 0)


async def test_lowering_the_capacity_takes_no_seat_away(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=3)
    people = [await make_member() for _ in range(3)]
    for person in people:
        await store.answer_rsvp(action.id, person.user_id, Answer.GOING, NOW)
    assert await store.set_capacity(action.id, 1, ORGANISER, NOW) is not None
    assert (await store.rsvp_counts(action.id)).going == 3
    newcomer = await make_member()
    change = await store.answer_rsvp(action.id, newcomer.user_id, Answer.GOING, NOW)
    assert change is not None
    assert change.answer is Answer.WAITLISTED
    # One leaves: still over the new limit, so nobody moves up.
    left = await store.answer_rsvp(action.id, people[0].user_id, Answer.NOT_GOING, NOW)
    assert left is not None
    assert left.promoted == ()


async def test_a_capacity_the_schema_refuses_changes_nothing(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    ana, ben = await make_member(), await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW)
    with pytest.raises(Conflict):
        await store.set_capacity(action.id, 0, ORGANISER, NOW)
    assert await store.action(action.id) == action
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.WAITLISTED
    assert await audited(store) == ["action:create"]


async def test_a_new_time_replaces_the_reminders_queued_ones_too(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    ana = await make_member()
    old = Reminder(action.id, 1, 120)
    await store.enqueue_deliveries(old, [(ana.user_id, "{}")], NOW + timedelta(hours=1), NOW)
    moved = await store.reschedule_action(action.id, planner, ORGANISER, NOW, starts_at=LATER)
    assert moved is not None
    assert moved == await store.action(action.id)
    assert (moved.starts_at, moved.revision, moved.reminder_minutes) == (LATER, 2, (120,))
    assert await store.reminders_of(action.id) == [
        (1, 120, START - timedelta(hours=2), "skipped"),
        (2, 120, LATER - timedelta(hours=2), "planned"),
    ]
    [queued] = await store.deliveries_of(old)
    assert (queued.status, queued.last_error) == (DeliveryStatus.SKIPPED, "the action changed")
    entry = (await store.audit_entries())[0]
    assert (entry.action, json.loads(entry.detail)) == (
        "action:move",
        {"action": action.id, "starts_at": "2026-11-29 12:00:00", "ends_at": "2026-11-29 14:00:00"},
    )


async def test_a_new_time_leaves_the_reminders_of_other_actions_alone(
    store: Store, make_action: ActionFactory
) -> None:
    """Action 1's reminders are matched exactly: action 10's (same prefix digits) stay."""
    actions = [await make_action(reminder_minutes=(120,)) for _ in range(10)]
    first, tenth = actions[0], actions[9]
    assert (first.id, tenth.id) == (1, 10)
    mine, theirs = Reminder(first.id, 1, 120), Reminder(tenth.id, 1, 120)
    await store.enqueue_deliveries(mine, [(1, "{}")], NOW, NOW)
    await store.enqueue_deliveries(theirs, [(1, "{}")], NOW, NOW)
    await store.reschedule_action(first.id, planner, ORGANISER, NOW, starts_at=LATER)
    assert [d.status for d in await store.deliveries_of(mine)] == [DeliveryStatus.SKIPPED]
    assert [d.status for d in await store.deliveries_of(theirs)] == [DeliveryStatus.PENDING]
    assert [r[3] for r in await store.reminders_of(tenth.id)] == ["planned"]


async def test_a_new_time_plans_a_notice_of_the_time(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    due = NOW + timedelta(minutes=5)
    await store.reschedule_action(
        action.id, planner, ORGANISER, NOW, starts_at=LATER, notice_due=due
    )
    await store.edit_action(action.id, {"place": "Town hall"}, ORGANISER, NOW, notice_due=due)
    [(_, told, changes)] = await store.due_notices(due)
    assert changes == {"time", "place"}
    assert (told.starts_at, told.place) == (LATER, "Town hall")


async def test_new_reminder_offsets_keep_the_time(store: Store, make_action: ActionFactory) -> None:
    action = await make_action(reminder_minutes=(1440,))
    changed = await store.reschedule_action(
        action.id, planner, ORGANISER, NOW, reminder_minutes=(60, 30)
    )
    assert changed is not None
    assert (changed.starts_at, changed.reminder_minutes, changed.revision) == (
        START,
        (60, 30),
        2,
    )
    assert await store.reminders_of(action.id) == [
        (1, 1440, START - timedelta(days=1), "skipped"),
        (2, 60, START - timedelta(minutes=60), "planned"),
        (2, 30, START - timedelta(minutes=30), "planned"),
    ]
    assert await store.due_notices(LATER) == [], "new reminders are nobody else's business"


async def test_no_reminders_at_all_is_kept_as_none(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(1440,))
    changed = await store.reschedule_action(action.id, planner, ORGANISER, NOW, reminder_minutes=())
    assert changed is not None
    assert changed.reminder_minutes == ()
    assert await store.next_reminder_due() is None


async def test_replanning_reads_the_time_and_reminders_as_stored(
    store: Store, make_action: ActionFactory
) -> None:
    """Organiser A changes the reminders while B has just moved the action: A's re-planning
    keeps B's time."""
    action = await make_action(reminder_minutes=())
    await store.reschedule_action(action.id, lambda a: [], 8, NOW, starts_at=LATER)
    moved = await store.reschedule_action(
        action.id, planner, ORGANISER, NOW, reminder_minutes=(60,)
    )
    assert moved is not None
    assert (moved.starts_at, moved.revision) == (LATER, 3)
    assert await store.next_reminder_due() == LATER - timedelta(minutes=60)


async def test_a_cancelled_action_is_not_upcoming_and_keeps_no_reminder(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    ana = await make_member()
    queued = Reminder(action.id, 1, 120)
    await store.enqueue_deliveries(queued, [(ana.user_id, "{}")], NOW, NOW)
    cancelled = await store.cancel_action(action.id, 8, NOW)
    assert cancelled is not None
    assert cancelled.status is ActionStatus.CANCELLED
    assert cancelled == await store.action(action.id)
    assert await store.cancel_action(action.id, 8, NOW) is None, "cancelled once"
    assert await store.upcoming_actions(NOW, 10) == []
    assert await store.next_reminder_due() is None
    assert [d.status for d in await store.deliveries_of(queued)] == [DeliveryStatus.SKIPPED]
    [(_, told, changes)] = await store.due_notices(NOW)
    assert (told.id, changes) == (action.id, frozenset({"cancelled"})), "told at once"
    assert await audited(store) == ["action:create", "action:cancel"]


async def test_a_cancellation_folds_in_a_change_still_waiting(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    await store.reschedule_action(
        action.id, planner, ORGANISER, NOW, starts_at=LATER, notice_due=NOW + timedelta(hours=1)
    )
    await store.cancel_action(action.id, ORGANISER, NOW + timedelta(minutes=1))
    [(_, _, changes)] = await store.due_notices(NOW + timedelta(minutes=1))
    assert changes == {"time", "cancelled"}


async def test_a_cancelled_action_takes_no_edits(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    """Checked in the store itself: a handler's earlier look may be a moment out of date."""
    action = await make_action(capacity=1)
    ana, ben = await make_member(), await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW)
    cancelled = await store.cancel_action(action.id, ORGANISER, NOW)
    assert await store.edit_action(action.id, {"title": "Back on"}, ORGANISER, NOW) is None
    assert await store.set_capacity(action.id, 5, ORGANISER, NOW) is None
    assert (
        await store.reschedule_action(action.id, planner, ORGANISER, NOW, starts_at=LATER) is None
    )
    assert await store.action(action.id) == cancelled
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.WAITLISTED, "no seat freed"
    assert await store.next_reminder_due() is None, "no reminder planned again"
    assert await audited(store) == ["action:create", "action:cancel"]


async def test_an_unknown_action_changes_nothing(store: Store) -> None:
    assert await store.edit_action(99, {"title": "x"}, ORGANISER, NOW) is None
    assert await store.set_capacity(99, 5, ORGANISER, NOW) is None
    assert await store.reschedule_action(99, planner, ORGANISER, NOW, starts_at=LATER) is None
    assert await store.cancel_action(99, ORGANISER, NOW) is None
    assert await store.audit_entries() == []
    assert await store.due_notices(LATER) == []


async def test_an_edit_of_nothing_keeps_the_action(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    assert await store.edit_action(action.id, {}, ORGANISER, NOW) == action
