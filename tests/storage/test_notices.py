"""Change notices on a real SQLite file: edits close together make one, told exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.storage.conftest import ORGANISER, ActionFactory, ReadDb
from turnout.storage import ActionStatus, DeliveryStatus, Store
from turnout.storage.purposes import ChangeNotice

SOON = NOW + timedelta(minutes=5)


async def test_a_notice_falls_due_with_what_changed(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    await store.plan_notice(action.id, {"time"}, SOON)
    assert await store.due_notices(SOON - timedelta(seconds=1)) == []
    [(notice_id, told, changes)] = await store.due_notices(SOON)
    assert (told, changes) == (action, frozenset({"time"}))
    assert notice_id > 0


async def test_edits_close_together_make_one_notice(
    store: Store, make_action: ActionFactory, read_db: ReadDb
) -> None:
    action = await make_action()
    await store.plan_notice(action.id, {"time"}, SOON)
    await store.plan_notice(action.id, {"place"}, SOON + timedelta(minutes=2))
    await store.plan_notice(action.id, {"time"}, SOON + timedelta(minutes=3))
    assert await store.due_notices(SOON) == [], "each edit waits for further corrections"
    [(_, _, changes)] = await store.due_notices(SOON + timedelta(minutes=3))
    assert changes == {"time", "place"}
    assert read_db("SELECT COUNT(*) FROM action_notices") == [(1,)]


async def test_each_action_has_its_own_notice(store: Store, make_action: ActionFactory) -> None:
    first, second = await make_action(), await make_action()
    await store.plan_notice(first.id, {"time"}, SOON)
    await store.plan_notice(second.id, {"place"}, SOON + timedelta(minutes=1))
    due = await store.due_notices(SOON + timedelta(minutes=1))
    assert [(told.id, changes) for _, told, changes in due] == [
        (first.id, frozenset({"time"})),
        (second.id, frozenset({"place"})),
    ]


async def test_a_notice_is_queued_exactly_once(store: Store, make_action: ActionFactory) -> None:
    action = await make_action()
    await store.plan_notice(action.id, {"place"}, SOON)
    [(notice_id, read, changes)] = await store.due_notices(SOON)
    messages = [(1, '{"text": "moved"}'), (2, '{"text": "déplacé"}')]
    assert await store.enqueue_notice(notice_id, (read, changes), messages, SOON) == 2
    assert await store.enqueue_notice(notice_id, (read, changes), messages, SOON) == 0
    assert await store.due_notices(SOON + timedelta(days=1)) == []
    rows = await store.deliveries_of(ChangeNotice(notice_id))
    assert [(d.chat_id, d.payload, d.status) for d in rows] == [
        (1, '{"text": "moved"}', DeliveryStatus.PENDING),
        (2, '{"text": "déplacé"}', DeliveryStatus.PENDING),
    ]


async def test_two_senders_at_once_queue_a_notice_once(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    await store.plan_notice(action.id, {"place"}, SOON)
    [(notice_id, read, changes)] = await store.due_notices(SOON)
    results = await asyncio.gather(
        *(store.enqueue_notice(notice_id, (read, changes), [(1, "{}")], SOON) for _ in range(4))
    )
    assert sorted(results) == [0, 0, 0, 1]


async def test_a_change_after_a_notice_went_out_makes_a_new_one(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    await store.plan_notice(action.id, {"time"}, SOON)
    [(first, read, told)] = await store.due_notices(SOON)
    await store.enqueue_notice(first, (read, told), [(1, "{}")], SOON)
    await store.plan_notice(action.id, {"place"}, SOON + timedelta(minutes=10))
    [(second, _, changes)] = await store.due_notices(SOON + timedelta(minutes=10))
    assert second != first
    assert changes == {"place"}, "what was told already is not told again"


async def test_a_notice_of_a_cancelled_action_still_goes_out(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    await store.cancel_action(action.id, ORGANISER, NOW)
    [(_, told, changes)] = await store.due_notices(NOW)
    assert (told.status, changes) == (ActionStatus.CANCELLED, frozenset({"cancelled"}))


async def test_only_known_changes_are_told(store: Store, make_action: ActionFactory) -> None:
    action = await make_action()
    with pytest.raises(ValueError, match="title"):
        await store.plan_notice(action.id, {"time", "title"}, SOON)
    assert await store.due_notices(SOON) == []


async def test_a_change_merged_after_the_notice_was_read_is_still_told(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    await store.plan_notice(action.id, {"time"}, SOON)
    [(notice_id, read, changes)] = await store.due_notices(SOON)
    # While the sender writes the messages from ``read``, an organiser changes the place.
    await store.edit_action(
        action.id, {"place": "Town hall"}, ORGANISER, SOON, notice_due=SOON + timedelta(minutes=5)
    )
    queued = await store.enqueue_notice(
        notice_id, (read, changes), [(1, f'{{"place": "{read.place}"}}')], SOON
    )
    assert queued == 0, "nothing written from the old place goes out"
    assert await store.deliveries_of(ChangeNotice(notice_id)) == []
    due = await store.due_notices(SOON + timedelta(minutes=5))
    assert [(told.place, changes) for _, told, changes in due] == [
        ("Town hall", {"place", "time"})
    ], "one notice tells both, with the new place"
