"""The outbox's queries on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from turnout.storage import DeliveryStatus, Store

LATER = NOW + timedelta(minutes=5)


async def test_enqueueing_is_idempotent_per_purpose_and_chat(store: Store) -> None:
    assert await store.enqueue_deliveries("call:1", [(1, "{}"), (2, "{}")], NOW, NOW) == 2
    assert await store.enqueue_deliveries("call:1", [(2, "{}"), (3, "{}")], NOW, NOW) == 1
    assert await store.enqueue_deliveries("call:2", [(1, "{}")], NOW, NOW) == 1
    [one, two] = await store.delivery_counts()
    assert (one.purpose, one.pending, two.purpose, two.pending) == ("call:1", 3, "call:2", 1)


async def test_only_due_rows_are_claimed_oldest_first(store: Store) -> None:
    await store.enqueue_deliveries("later", [(1, "{}")], LATER, NOW)
    await store.enqueue_deliveries("now", [(2, "{}"), (3, "{}"), (4, "{}")], NOW, NOW)
    claimed = await store.claim_due_deliveries(NOW, limit=2)
    assert [(d.purpose, d.chat_id, d.status, d.attempts) for d in claimed] == [
        ("now", 2, DeliveryStatus.CLAIMED, 1),
        ("now", 3, DeliveryStatus.CLAIMED, 1),
    ]
    assert [d.chat_id for d in await store.claim_due_deliveries(NOW, limit=10)] == [4]
    assert await store.claim_due_deliveries(NOW, limit=10) == []
    assert await store.next_delivery_due() == LATER
    assert [d.chat_id for d in await store.claim_due_deliveries(LATER, limit=10)] == [1]


async def test_outcomes_are_recorded(store: Store) -> None:
    await store.enqueue_deliveries("call:1", [(1, "{}"), (2, "{}"), (3, "{}")], NOW, NOW)
    first, second, third = await store.claim_due_deliveries(NOW, limit=3)
    await store.mark_delivery_sent(first.id, [555], NOW)
    await store.mark_delivery_failed(second.id, "Bad Request: chat not found", NOW)
    await store.retry_delivery(third.id, LATER, "NetworkError: 502", NOW)
    rows = {d.chat_id: d for d in await store.deliveries_of("call:1")}
    assert (rows[1].status, rows[1].message_id) == (DeliveryStatus.SENT, 555)
    assert (rows[2].status, rows[2].last_error) == (
        DeliveryStatus.FAILED,
        "Bad Request: chat not found",
    )
    assert (rows[3].status, rows[3].due_at, rows[3].attempts) == (DeliveryStatus.PENDING, LATER, 1)
    [counts] = await store.delivery_counts("call:1")
    assert (counts.sent, counts.failed, counts.pending, counts.done) == (1, 1, 1, False)
    [failure] = await store.delivery_failures()
    assert failure.chat_id == 2


async def test_a_wait_telegram_asked_for_is_not_an_attempt(store: Store) -> None:
    await store.enqueue_deliveries("call:1", [(1, "{}")], NOW, NOW)
    [row] = await store.claim_due_deliveries(NOW, limit=1)
    await store.retry_delivery(row.id, NOW, "RetryAfter", NOW, count_attempt=False)
    [again] = await store.claim_due_deliveries(NOW, limit=1)
    assert again.attempts == 1


async def test_claimed_rows_of_a_dead_process_are_released(store: Store) -> None:
    await store.enqueue_deliveries("call:1", [(1, "{}"), (2, "{}")], NOW, NOW)
    await store.claim_due_deliveries(NOW, limit=2)
    assert await store.release_claimed_deliveries(NOW) == 2
    assert len(await store.claim_due_deliveries(NOW, limit=5)) == 2


async def test_an_unreachable_member_is_unsubscribed(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    await store.set_subscribed(ana.user_id, True, NOW)
    await store.enqueue_deliveries("call:1", [(ana.user_id, "{}")], NOW, NOW)
    [row] = await store.claim_due_deliveries(NOW, limit=1)
    await store.mark_recipient_unreachable(row.id, ana.user_id, "Forbidden: blocked", NOW)
    member = await store.member(ana.user_id)
    assert member is not None
    assert (member.reachable, member.subscribed) == (False, False)
    [counts] = await store.delivery_counts("call:1")
    assert counts.failed == 1
