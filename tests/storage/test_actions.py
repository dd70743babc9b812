"""Actions, RSVPs and reminders on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from turnout.storage import Answer, NewAction, Store, reminder_purpose

START = NOW + timedelta(days=2)


def new_action(**changes: object) -> NewAction:
    values: dict[str, object] = {
        "title": "Tenants' Picket", "description": "", "starts_at": START, "timezone": "UTC",
        "place": "Housing office", "latitude": None, "longitude": None, "capacity": None,
        "reminder_minutes": (1440, 120),
    }  # fmt: skip
    values.update(changes)
    return NewAction(**values)  # type: ignore[arg-type]


async def test_an_action_is_created_with_its_reminders_and_audited(store: Store) -> None:
    plan = [(1440, START - timedelta(days=1)), (120, START - timedelta(hours=2))]
    action = await store.create_action(new_action(), 7, plan, NOW)
    assert (action.title, action.starts_at, action.reminder_minutes) == (
        "Tenants' Picket", START, (1440, 120),
    )  # fmt: skip
    assert await store.next_reminder_due() == START - timedelta(days=1)
    assert [e.action for e in await store.audit_entries()] == ["action:create"]
    assert await store.upcoming_actions(NOW, 10) == [action]
    assert await store.upcoming_actions(START, 10) == []


async def test_seats_are_never_oversold(store: Store, make_member: MemberFactory) -> None:
    action = await store.create_action(new_action(capacity=3), 7, [], NOW)
    people = [await make_member() for _ in range(10)]
    changes = await asyncio.gather(
        *(store.answer_rsvp(action.id, p.user_id, Answer.GOING, NOW) for p in people)
    )
    assert [c.answer for c in changes].count(Answer.GOING) == 3
    counts = await store.rsvp_counts(action.id)
    assert (counts.going, counts.waitlisted) == (3, 7)


async def test_the_longest_waiting_member_moves_up(
    store: Store, make_member: MemberFactory
) -> None:
    action = await store.create_action(new_action(capacity=1), 7, [], NOW)
    ana, ben, cleo = [await make_member() for _ in range(3)]
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW + timedelta(seconds=1))
    await store.answer_rsvp(action.id, cleo.user_id, Answer.GOING, NOW + timedelta(seconds=2))
    change = await store.answer_rsvp(
        action.id, ana.user_id, Answer.MAYBE, NOW + timedelta(seconds=3)
    )
    assert (change.answer, change.promoted) == (Answer.MAYBE, (ben.user_id,))
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.GOING
    assert await store.rsvp_of(action.id, cleo.user_id) is Answer.WAITLISTED


async def test_moving_an_action_replaces_its_reminders(
    store: Store, make_member: MemberFactory
) -> None:
    plan = [(120, START - timedelta(hours=2))]
    action = await store.create_action(new_action(), 7, plan, NOW)
    ana = await make_member()
    old = reminder_purpose(action.id, 1, 120)
    await store.enqueue_deliveries(old, [(ana.user_id, "{}")], NOW + timedelta(hours=1), NOW)
    later = START + timedelta(days=1)
    moved = await store.move_action(
        action.id, later, lambda a: [(120, a.starts_at - timedelta(hours=2))], 7, NOW
    )
    assert moved is not None
    assert (moved.starts_at, moved.revision) == (later, 2)
    assert await store.reminders_of(action.id) == [
        (1, 120, START - timedelta(hours=2), "skipped"),
        (2, 120, later - timedelta(hours=2), "planned"),
    ]
    [queued] = await store.deliveries_of(old)
    assert queued.status == "skipped"


async def test_a_cancelled_action_is_not_upcoming_and_keeps_no_reminder(store: Store) -> None:
    action = await store.create_action(new_action(), 7, [(120, START - timedelta(hours=2))], NOW)
    cancelled = await store.cancel_action(action.id, 7, NOW)
    assert cancelled is not None
    assert cancelled.status == "cancelled"
    assert await store.cancel_action(action.id, 7, NOW) is None
    assert await store.upcoming_actions(NOW, 10) == []
    assert await store.next_reminder_due() is None


async def test_expired_deliveries_are_skipped_not_sent(store: Store) -> None:
    await store.enqueue_deliveries("reminder:1:r1:120m", [(1, "{}")], NOW, NOW, expires_at=NOW)
    assert await store.claim_due_deliveries(NOW + timedelta(seconds=1), limit=5) == []
    [row] = await store.deliveries_of("reminder:1:r1:120m")
    assert (row.status, row.last_error) == ("skipped", "expired")


async def test_a_reminder_read_before_a_time_change_is_not_queued(
    store: Store, make_member: MemberFactory
) -> None:
    plan = [(120, START - timedelta(hours=2))]
    action = await store.create_action(new_action(), 7, plan, NOW)
    later = START + timedelta(days=1)
    await store.move_action(
        action.id, later, lambda a: [(120, a.starts_at - timedelta(hours=2))], 7, NOW
    )
    stale = reminder_purpose(action.id, 1, 120)
    queued = await store.enqueue_reminder(
        action.id, 1, 120, stale, [(1, "{}")], NOW, expires_at=START
    )
    assert queued == 0
    assert await store.deliveries_of(stale) == []
    fresh = reminder_purpose(action.id, 2, 120)
    assert (
        await store.enqueue_reminder(action.id, 2, 120, fresh, [(1, "{}")], NOW, expires_at=later)
        == 1
    )
    assert (
        await store.enqueue_reminder(action.id, 2, 120, fresh, [(1, "{}")], NOW, expires_at=later)
        == 0
    )


async def test_a_cancelled_action_takes_no_answers_and_no_edits(
    store: Store, make_member: MemberFactory
) -> None:
    """Checked in the store itself: a handler's earlier look may be a moment out of date."""
    action = await store.create_action(new_action(capacity=1), 7, [], NOW)
    ana, ben = await make_member(), await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW)
    assert await store.cancel_action(action.id, 7, NOW) is not None
    assert await store.answer_rsvp(action.id, ana.user_id, Answer.NOT_GOING, NOW) is None
    assert await store.edit_action(action.id, {"capacity": 5}, 7, NOW) is None
    assert await store.fill_from_waitlist(action.id, NOW) == ()
    assert await store.rsvp_of(action.id, ana.user_id) is Answer.GOING
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.WAITLISTED
    assert (await store.action(action.id)).capacity == 1  # type: ignore[union-attr]


async def test_an_action_that_has_started_takes_no_answers(
    store: Store, make_member: MemberFactory
) -> None:
    action = await store.create_action(new_action(), 7, [], NOW)
    ana = await make_member()
    assert await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, START) is None
    assert await store.rsvp_of(action.id, ana.user_id) is None


async def test_replanning_reads_the_time_and_reminders_as_stored(store: Store) -> None:
    """Organiser A changes the reminders while B has just moved the action: A's re-planning
    keeps B's time."""
    action = await store.create_action(new_action(), 7, [], NOW)
    later = START + timedelta(days=1)
    await store.move_action(action.id, later, lambda a: [], 8, NOW)
    await store.edit_action(action.id, {"reminder_minutes": (60,)}, 7, NOW)
    moved = await store.move_action(
        action.id,
        None,
        lambda a: [(m, a.starts_at - timedelta(minutes=m)) for m in a.reminder_minutes],
        7,
        NOW,
    )
    assert moved is not None
    assert moved.starts_at == later
    assert await store.next_reminder_due() == later - timedelta(minutes=60)
