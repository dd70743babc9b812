"""The outbox on a real SQLite file: each (purpose, chat) queued once, claimed once, and its
outcome kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ReadDb, photo
from turnout.storage import (
    Conflict,
    DeliveryCounts,
    DeliveryStatus,
    Failed,
    FollowUp,
    Retry,
    Sent,
    SentCopy,
    Store,
    Unreachable,
)
from turnout.storage.purposes import CallCopy, CallEdit, Digest, Pinning, PromptLapse, Reminder

LATER = NOW + timedelta(minutes=5)
TEXT = CallCopy(1, "text")
MEDIA = CallCopy(1, "media")


async def test_enqueueing_is_idempotent_per_purpose_and_chat(store: Store) -> None:
    assert await store.enqueue_deliveries(TEXT, [(1, "{}"), (2, "{}")], NOW, NOW) == 2
    assert await store.enqueue_deliveries(TEXT, [(2, "new"), (3, "{}")], NOW, NOW) == 1
    assert await store.enqueue_deliveries(MEDIA, [(1, "{}")], NOW, NOW) == 1
    assert await store.delivery_counts() == [
        DeliveryCounts("call:1:media", pending=1),
        DeliveryCounts("call:1:text", pending=3),
    ]
    assert [d.payload for d in await store.deliveries_of(TEXT)] == ["{}", "{}", "{}"], (
        "the row queued first is kept"
    )


async def test_enqueuers_racing_each_other_queue_each_chat_once(store: Store) -> None:
    chats = [(chat, "{}") for chat in range(1, 21)]
    results = await asyncio.gather(
        *(store.enqueue_deliveries(TEXT, chats, NOW, NOW) for _ in range(4))
    )
    assert sorted(results) == [0, 0, 0, 20]
    [counts] = await store.delivery_counts(TEXT)
    assert counts.pending == 20


async def test_a_batch_is_queued_whole_or_not_at_all(store: Store, read_db: ReadDb) -> None:
    broken: Any = [(1, "{}"), (2, None)]  # a payload is required
    with pytest.raises(Conflict):
        await store.enqueue_deliveries(TEXT, broken, NOW, NOW)
    assert read_db("SELECT COUNT(*) FROM deliveries") == [(0,)]


async def test_only_due_rows_are_claimed_oldest_first(store: Store) -> None:
    await store.enqueue_deliveries(Digest("2026-11-26"), [(1, "{}")], LATER, NOW)
    await store.enqueue_deliveries(TEXT, [(2, "{}"), (3, "{}"), (4, "{}")], NOW, NOW)
    claimed = await store.claim_due_deliveries(NOW, limit=2)
    assert [(d.purpose, d.chat_id, d.status, d.attempts) for d in claimed] == [
        ("call:1:text", 2, DeliveryStatus.CLAIMED, 1),
        ("call:1:text", 3, DeliveryStatus.CLAIMED, 1),
    ]
    assert [d.chat_id for d in await store.claim_due_deliveries(NOW, limit=10)] == [4]
    assert await store.claim_due_deliveries(NOW, limit=10) == [], "a claimed row is not claimed"
    assert await store.next_delivery_due() == LATER
    assert [d.chat_id for d in await store.claim_due_deliveries(LATER, limit=10)] == [1]
    assert await store.next_delivery_due() is None


async def test_senders_racing_each_other_claim_each_row_once(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(chat, "{}") for chat in range(1, 31)], NOW, NOW)
    batches = await asyncio.gather(*(store.claim_due_deliveries(NOW, limit=7) for _ in range(6)))
    claimed = [d.chat_id for batch in batches for d in batch]
    assert sorted(claimed) == list(range(1, 31))


async def test_outcomes_are_recorded(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(1, "{}"), (2, "{}"), (3, "{}")], NOW, NOW)
    first, second, third = await store.claim_due_deliveries(NOW, limit=3)
    await store.mark_delivery_sent(first.id, [555], LATER)
    await store.mark_delivery_failed(second.id, "Bad Request: chat not found", LATER)
    await store.retry_delivery(third.id, LATER, "NetworkError: 502", NOW)
    rows = {d.chat_id: d for d in await store.deliveries_of(TEXT)}
    assert (rows[1].status, rows[1].message_id, rows[1].updated_at) == (
        DeliveryStatus.SENT,
        555,
        LATER,
    )
    assert (rows[2].status, rows[2].last_error) == (
        DeliveryStatus.FAILED,
        "Bad Request: chat not found",
    )
    assert (rows[3].status, rows[3].due_at, rows[3].attempts, rows[3].last_error) == (
        DeliveryStatus.PENDING,
        LATER,
        1,
        "NetworkError: 502",
    )
    [counts] = await store.delivery_counts(TEXT)
    assert (counts.sent, counts.failed, counts.pending, counts.remaining, counts.done) == (
        1,
        1,
        1,
        1,
        False,
    )
    [failure] = await store.delivery_failures()
    assert failure.chat_id == 2
    [retried] = await store.claim_due_deliveries(LATER, limit=5)
    assert (retried.chat_id, retried.attempts) == (3, 2)
    await store.mark_delivery_sent(retried.id, [556], LATER)
    [counts] = await store.delivery_counts(TEXT)
    assert (counts.total, counts.done) == (3, True)


async def test_a_wait_telegram_asked_for_is_not_an_attempt(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(1, "{}")], NOW, NOW)
    [row] = await store.claim_due_deliveries(NOW, limit=1)
    await store.retry_delivery(row.id, NOW, "RetryAfter", NOW, count_attempt=False)
    [again] = await store.claim_due_deliveries(NOW, limit=1)
    assert again.attempts == 1


async def test_the_newest_failures_come_first(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(chat, "{}") for chat in (1, 2, 3)], NOW, NOW)
    rows = await store.claim_due_deliveries(NOW, limit=3)
    for minutes, row in zip((3, 1, 2), rows, strict=True):
        await store.mark_delivery_failed(row.id, f"error {row.chat_id}", NOW + timedelta(minutes))
    assert [d.chat_id for d in await store.delivery_failures()] == [1, 3, 2]
    assert [d.chat_id for d in await store.delivery_failures(limit=1)] == [1]


async def test_claimed_rows_of_a_dead_process_are_released(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(1, "{}"), (2, "{}")], NOW, NOW)
    [sent, _] = await store.claim_due_deliveries(NOW, limit=2)
    await store.mark_delivery_sent(sent.id, [9], NOW)
    assert await store.release_claimed_deliveries(NOW) == 1
    [again] = await store.claim_due_deliveries(NOW, limit=5)
    assert again.chat_id == 2, "what was sent is not sent again"


async def test_expired_deliveries_are_skipped_not_sent(store: Store) -> None:
    reminder = Reminder(1, 1, 120)
    await store.enqueue_deliveries(reminder, [(1, "{}")], NOW, NOW, expires_at=NOW)
    await store.enqueue_deliveries(TEXT, [(1, "{}")], NOW, NOW)
    claimed = await store.claim_due_deliveries(NOW + timedelta(seconds=1), limit=5)
    assert [d.purpose for d in claimed] == ["call:1:text"]
    [row] = await store.deliveries_of(reminder)
    assert (row.status, row.last_error) == (DeliveryStatus.SKIPPED, "expired")


async def test_an_unreachable_member_is_unsubscribed(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    await store.set_subscribed(ana.user_id, True, NOW)
    assert await store.member(ana.user_id) is not None  # read once, so a copy is kept
    await store.enqueue_deliveries(TEXT, [(ana.user_id, "{}")], NOW, NOW)
    [row] = await store.claim_due_deliveries(NOW, limit=1)
    await store.mark_recipient_unreachable(row.id, ana.user_id, "Forbidden: blocked", NOW)
    member = await store.member(ana.user_id)
    assert member is not None
    assert (member.reachable, member.subscribed) == (False, False)
    assert await store.subscribers() == []
    [counts] = await store.delivery_counts(TEXT)
    assert counts.failed == 1


async def test_every_message_of_an_album_is_remembered(store: Store) -> None:
    await store.enqueue_deliveries(MEDIA, [(-100, "{}"), (-200, "{}"), (-300, "{}")], NOW, NOW)
    album, single, unsent = await store.claim_due_deliveries(NOW, limit=3)
    await store.mark_delivery_sent(album.id, [10, 11, 12], NOW)
    await store.mark_delivery_sent(single.id, [20], NOW)
    await store.mark_delivery_failed(unsent.id, "Forbidden", NOW)
    await store.enqueue_deliveries(TEXT, [(-100, "{}")], NOW, NOW)
    assert await store.sent_copies(MEDIA) == [
        SentCopy(-100, (10, 11, 12)),
        SentCopy(-200, (20,)),
    ]
    assert await store.sent_copies(TEXT) == []
    [first] = [d for d in await store.deliveries_of(MEDIA) if d.chat_id == -100]
    assert first.message_id == 10


async def test_an_edit_mid_send_rewrites_only_what_is_still_waiting(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(1, "old"), (2, "old"), (3, "old")], NOW, NOW)
    await store.enqueue_deliveries(MEDIA, [(1, "old")], NOW, NOW)
    [sent] = await store.claim_due_deliveries(NOW, limit=1)
    await store.mark_delivery_sent(sent.id, [1], NOW)
    assert await store.pending_chats(TEXT) == [2, 3]
    assert await store.rewrite_pending(TEXT, "fr", LATER, chats=[3]) == 1
    assert await store.rewrite_pending(TEXT, "none", LATER, chats=[]) == 0
    assert await store.rewrite_pending(TEXT, "new", LATER) == 2
    payloads = {d.chat_id: d.payload for d in await store.deliveries_of(TEXT)}
    assert payloads == {1: "old", 2: "new", 3: "new"}
    assert [d.payload for d in await store.deliveries_of(MEDIA)] == ["old"]


async def test_rows_are_listed_per_purpose(store: Store) -> None:
    edit = CallEdit(1, "20261126120000000000")
    await store.enqueue_deliveries(edit, [(2, "{}"), (1, "{}")], LATER, NOW, expires_at=LATER)
    await store.enqueue_deliveries(PromptLapse(1), [(1, "{}")], NOW, NOW)
    rows = await store.deliveries_of(edit)
    assert [(d.purpose, d.chat_id, d.due_at, d.attempts) for d in rows] == [
        ("call:1:edit-20261126120000000000", 2, LATER, 0),
        ("call:1:edit-20261126120000000000", 1, LATER, 0),
    ]
    assert await store.delivery_counts(CallEdit(1, "other")) == []
    assert await store.deliveries_of(CallEdit(1, "other")) == []


async def test_the_highest_message_id_covers_deliveries_and_report_media(
    store: Store, make_member: MemberFactory
) -> None:
    assert await store.highest_message_id() == 0
    await store.enqueue_deliveries(TEXT, [(1, "{}"), (2, "{}")], NOW, NOW)
    first, _ = await store.claim_due_deliveries(NOW, limit=2)
    await store.mark_delivery_sent(first.id, [40], NOW)
    assert await store.highest_message_id() == 40
    ana = await make_member()
    draft = await store.open_draft(ana.user_id, NOW)
    await store.add_report_media(draft.id, photo(70))
    assert await store.highest_message_id() == 70


async def test_the_highest_message_id_covers_every_message_of_an_album(store: Store) -> None:
    await store.enqueue_deliveries(MEDIA, [(1, "{}")], NOW, NOW)
    [album] = await store.claim_due_deliveries(NOW, limit=1)
    await store.mark_delivery_sent(album.id, [10, 11, 12], NOW)
    assert await store.highest_message_id() == 12


async def test_many_answers_are_written_in_one_go(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    await store.set_subscribed(ana.user_id, True, NOW)
    chats = [(ana.user_id, "{}"), (2, "{}"), (3, "{}"), (4, "{}")]
    await store.enqueue_deliveries(TEXT, chats, NOW, NOW, may_pay=True)
    blocked, sent, late, broken = await store.claim_due_deliveries(NOW, limit=4)
    pin = FollowUp(Pinning(TEXT.key), sent.chat_id, '{"pin_of":70}', None)
    await store.settle_deliveries(
        [
            Unreachable(blocked.id, ana.user_id, "Forbidden: bot was blocked by the user"),
            Sent(sent.id, (70,), paid=1, follow_up=pin),
            Retry(late.id, LATER, "Too Many Requests", count_attempt=False),
            Failed(broken.id, "Bad Request: chat not found"),
        ],
        NOW,
    )
    rows = {d.chat_id: d for d in await store.deliveries_of(TEXT)}
    assert (rows[sent.chat_id].status, rows[sent.chat_id].message_id) == ("sent", 70)
    assert rows[sent.chat_id].paid
    assert (rows[late.chat_id].status, rows[late.chat_id].attempts) == ("pending", 0)
    assert rows[late.chat_id].due_at == LATER
    assert rows[broken.chat_id].last_error == "Bad Request: chat not found"
    assert rows[ana.user_id].status == "failed"
    assert await store.subscribers() == []
    assert [(d.chat_id, d.payload) for d in await store.deliveries_of(Pinning(TEXT.key))] == [
        (sent.chat_id, '{"pin_of":70}')
    ]
    [counts] = await store.delivery_counts(TEXT)
    assert (counts.sent, counts.paid, counts.pending, counts.failed) == (1, 1, 1, 2)


async def test_when_the_stars_run_out_the_rest_goes_free(store: Store) -> None:
    await store.enqueue_deliveries(TEXT, [(1, "{}"), (2, "{}")], NOW, NOW, may_pay=True)
    await store.enqueue_deliveries(MEDIA, [(1, "{}")], NOW, NOW, may_pay=True)
    await store.enqueue_deliveries(Digest("2026-11-26"), [(1, "{}")], NOW, NOW)
    first, *_ = await store.claim_due_deliveries(NOW, limit=1)
    await store.mark_delivery_sent(first.id, [5], NOW)
    assert await store.stop_paying(NOW) == ["call:1:media", "call:1:text"]
    assert await store.stop_paying(NOW) == []
    assert not any(d.may_pay for d in await store.claim_due_deliveries(NOW, limit=10))


async def test_claiming_reads_the_lanes_own_index(store: Store, read_db: ReadDb) -> None:
    """A broadcast of 20,000: each claim of fifty must not read and sort every pending row."""
    await store.enqueue_deliveries(TEXT, [(chat, "{}") for chat in range(1, 2001)], NOW, NOW)
    await store.enqueue_deliveries(Digest("2026-11-26"), [(1, "{}")], NOW, NOW)
    statements: list[str] = []
    await store._db.set_trace_callback(statements.append)  # what the store really runs
    assert [d.chat_id for d in await store.claim_due_deliveries(NOW, limit=3)] == [1, 2, 3]
    [claim] = [sql for sql in statements if "SET status = 'claimed'" in sql]
    plan = " / ".join(str(step) for step in read_db("EXPLAIN QUERY PLAN " + claim))
    # The lane's index, read in its order, at most ``limit`` rows; never every pending row.
    assert "SCAN deliveries USING INDEX deliveries_by_priority" in plan
    assert "deliveries_status" not in plan
