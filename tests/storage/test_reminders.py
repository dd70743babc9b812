"""Reminders on a real SQLite file: what is due, and handing each to the outbox exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.conftest import NOW
from tests.storage.conftest import ORGANISER, START, ActionFactory, planner
from turnout.storage import DeliveryStatus, Store
from turnout.storage.purposes import Reminder

DAY_BEFORE = START - timedelta(days=1)
TWO_HOURS_BEFORE = START - timedelta(hours=2)
LATER = START + timedelta(days=1)


async def test_reminders_fall_due_oldest_first(store: Store, make_action: ActionFactory) -> None:
    late = await make_action(starts_at=START + timedelta(hours=1), reminder_minutes=(120,))
    action = await make_action(reminder_minutes=(1440, 120))
    assert await store.next_reminder_due() == DAY_BEFORE
    assert await store.due_reminders(DAY_BEFORE - timedelta(seconds=1)) == []
    [day] = await store.due_reminders(DAY_BEFORE)
    assert (day.action, day.revision, day.offset_minutes, day.due_at) == (
        action,
        1,
        1440,
        DAY_BEFORE,
    )
    due = await store.due_reminders(LATER)
    assert [(d.action.id, d.offset_minutes) for d in due] == [
        (action.id, 1440),
        (action.id, 120),
        (late.id, 120),
    ]


async def test_a_due_reminder_is_queued_exactly_once(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    purpose = Reminder(action.id, 1, 120)
    messages = [(1, '{"text": "a"}'), (2, '{"text": "b"}')]
    assert await store.enqueue_reminder(purpose, messages, NOW, expires_at=START) == 2
    assert await store.enqueue_reminder(purpose, messages, NOW, expires_at=START) == 0
    assert await store.reminders_of(action.id) == [(1, 120, TWO_HOURS_BEFORE, "enqueued")]
    assert await store.due_reminders(LATER) == []
    assert await store.next_reminder_due() is None
    rows = await store.deliveries_of(purpose)
    assert [(d.chat_id, d.payload, d.status) for d in rows] == [
        (1, '{"text": "a"}', DeliveryStatus.PENDING),
        (2, '{"text": "b"}', DeliveryStatus.PENDING),
    ]


async def test_two_planners_at_once_queue_a_reminder_once(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    purpose = Reminder(action.id, 1, 120)
    results = await asyncio.gather(
        *(
            store.enqueue_reminder(purpose, [(1, "{}"), (2, "{}")], NOW, expires_at=START)
            for _ in range(5)
        )
    )
    assert sorted(results) == [0, 0, 0, 0, 2]
    assert len(await store.deliveries_of(purpose)) == 2


async def test_a_reminder_with_nobody_to_tell_is_settled_all_the_same(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    assert await store.enqueue_reminder(Reminder(action.id, 1, 120), [], NOW, expires_at=START) == 0
    assert await store.due_reminders(LATER) == []


async def test_a_reminder_is_not_sent_once_the_action_started(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    purpose = Reminder(action.id, 1, 120)
    await store.enqueue_reminder(purpose, [(1, "{}")], TWO_HOURS_BEFORE, expires_at=START)
    assert await store.claim_due_deliveries(START, limit=10) == []
    [row] = await store.deliveries_of(purpose)
    assert (row.status, row.last_error) == (DeliveryStatus.SKIPPED, "expired")


async def test_a_reminder_read_before_a_time_change_is_not_queued(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    [read] = await store.due_reminders(TWO_HOURS_BEFORE)
    await store.reschedule_action(action.id, planner, ORGANISER, NOW, starts_at=LATER)
    stale = Reminder(action.id, read.revision, read.offset_minutes)
    assert await store.enqueue_reminder(stale, [(1, "{}")], NOW, expires_at=START) == 0
    assert await store.deliveries_of(stale) == []
    fresh = Reminder(action.id, 2, 120)
    assert await store.enqueue_reminder(fresh, [(1, "{}")], NOW, expires_at=LATER) == 1
    assert await store.enqueue_reminder(fresh, [(1, "{}")], NOW, expires_at=LATER) == 0


async def test_a_reminder_of_a_cancelled_action_is_not_queued(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    [read] = await store.due_reminders(TWO_HOURS_BEFORE)
    await store.cancel_action(action.id, ORGANISER, NOW)
    purpose = Reminder(action.id, read.revision, read.offset_minutes)
    assert await store.enqueue_reminder(purpose, [(1, "{}")], NOW, expires_at=START) == 0
    assert await store.deliveries_of(purpose) == []


async def test_a_skipped_reminder_is_never_queued(store: Store, make_action: ActionFactory) -> None:
    action = await make_action(reminder_minutes=(1440, 120))
    await store.skip_reminder(action.id, 1, 1440)
    assert [(d.offset_minutes) for d in await store.due_reminders(LATER)] == [120]
    assert await store.next_reminder_due() == TWO_HOURS_BEFORE
    purpose = Reminder(action.id, 1, 1440)
    assert await store.enqueue_reminder(purpose, [(1, "{}")], NOW, expires_at=START) == 0
    assert await store.deliveries_of(purpose) == []


async def test_skipping_does_not_undo_a_reminder_already_queued(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    purpose = Reminder(action.id, 1, 120)
    await store.enqueue_reminder(purpose, [(1, "{}")], NOW, expires_at=START)
    await store.skip_reminder(action.id, 1, 120)
    assert await store.reminders_of(action.id) == [(1, 120, TWO_HOURS_BEFORE, "enqueued")]
    assert [d.status for d in await store.deliveries_of(purpose)] == [DeliveryStatus.PENDING]


async def test_reminders_of_one_action_leave_the_others_alone(
    store: Store, make_action: ActionFactory
) -> None:
    first = await make_action(reminder_minutes=(120,))
    second = await make_action(reminder_minutes=(120,))
    await store.skip_reminder(first.id, 1, 120)
    assert (
        await store.enqueue_reminder(
            Reminder(second.id, 1, 120), [(1, "{}")], NOW, expires_at=START
        )
        == 1
    )
    assert await store.reminders_of(first.id) == [(1, 120, TWO_HOURS_BEFORE, "skipped")]
    assert await store.reminders_of(second.id) == [(1, 120, TWO_HOURS_BEFORE, "enqueued")]
