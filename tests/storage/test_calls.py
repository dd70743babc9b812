"""Calls to action on a real SQLite file: published with their copies in one transaction,
scheduled ones published once, deleted everywhere."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, CallFactory, ReadDb, audited, new_call
from turnout.storage import CallDeleted, CallStatus, Conflict, DeliveryStatus, Store
from turnout.storage.calls import Copies
from turnout.storage.purposes import CallCopy, CallDeletion, CallEdit, CallOut

AT = NOW + timedelta(hours=3)
CHANNEL, GROUP = -1001, -1002


async def test_a_call_is_published_with_its_copies_and_audited(
    store: Store, make_call: CallFactory, make_member: MemberFactory
) -> None:
    reader = (await make_member(language="fr")).user_id
    await store.set_subscribed(reader, True, NOW)
    call = await make_call(
        targets=(CHANNEL, GROUP),
        entities='[{"type": "bold", "offset": 0, "length": 8}]',
        copies=[
            ("media", [(CHANNEL, "m1"), (GROUP, "m1"), (reader, "m1-fr")]),
            ("text", [(CHANNEL, "t1"), (GROUP, "t1"), (reader, "t1-fr")]),
        ],
    )
    assert (call.status, call.author, call.targets, call.to_subscribers, call.publish_at) == (
        CallStatus.PUBLISHED,
        ORGANISER,
        (CHANNEL, GROUP),
        True,
        None,
    )
    assert await store.call(call.id) == call
    assert call.entities == '[{"type": "bold", "offset": 0, "length": 8}]'
    text = await store.deliveries_of(CallCopy(call.id, "text"))
    assert [(d.chat_id, d.payload) for d in text] == [
        (CHANNEL, "t1"),
        (GROUP, "t1"),
        (reader, "t1-fr"),
    ]
    assert len(await store.deliveries_of(CallCopy(call.id, "media"))) == 3
    [entry] = await store.audit_entries()
    assert (entry.action, entry.actor_id, json.loads(entry.detail)) == (
        "call:published",
        ORGANISER,
        # Published with no second approval: the owners' notice reads it from here.
        {"call": call.id, "targets": [CHANNEL, GROUP], "approved_by": None},
    )
    assert await store.call(call.id + 1) is None


async def test_no_copy_goes_to_someone_who_stopped_or_was_forgotten_since_the_list_was_read(
    store: Store, make_call: CallFactory, make_member: MemberFactory
) -> None:
    stays, stops, forgets = [(await make_member()).user_id for _ in range(3)]
    for person in (stays, stops, forgets):
        await store.set_subscribed(person, True, NOW)
    read = [(CHANNEL, "t"), (stays, "t"), (stops, "t"), (forgets, "t")]  # the list as read
    await store.set_subscribed(stops, False, NOW)
    await store.forget_member(forgets, "Forgotten 1", NOW)

    call = await make_call(targets=(CHANNEL,), copies=[("text", read)])
    copies = await store.deliveries_of(CallCopy(call.id, "text"))
    assert [d.chat_id for d in copies] == [CHANNEL, stays]
    scheduled = await make_call(status=CallStatus.SCHEDULED, publish_at=AT, targets=(CHANNEL,))
    assert await store.publish_scheduled_call(scheduled.id, [("text", read)], AT)
    copies = await store.deliveries_of(CallCopy(scheduled.id, "text"))
    assert [d.chat_id for d in copies] == [CHANNEL, stays]


async def test_a_call_whose_copies_cannot_be_queued_is_not_stored(
    store: Store, read_db: ReadDb
) -> None:
    broken: Any = [("text", [(CHANNEL, "t1"), (GROUP, None)])]  # a payload is required
    with pytest.raises(Conflict):
        await store.create_call(ORGANISER, new_call(), CallStatus.PUBLISHED, None, NOW, broken)
    assert read_db("SELECT COUNT(*) FROM calls") == [(0,)]
    assert read_db("SELECT COUNT(*) FROM deliveries") == [(0,)]
    assert await store.audit_entries() == []


async def test_a_scheduled_call_is_published_once_when_due(
    store: Store, make_call: CallFactory
) -> None:
    call = await make_call(status=CallStatus.SCHEDULED, publish_at=AT, targets=(CHANNEL,))
    assert (call.status, call.publish_at) == (CallStatus.SCHEDULED, AT)
    assert await store.next_call_due() == AT
    assert await store.due_calls(AT - timedelta(seconds=1)) == []
    assert await store.due_calls(AT) == [call]
    assert await store.deliveries_of(CallCopy(call.id, "text")) == [], "nothing sent before"
    copies: Copies = [("text", [(CHANNEL, "t")])]
    assert await store.publish_scheduled_call(call.id, copies, AT, [(ORGANISER, "out")])
    assert not await store.publish_scheduled_call(call.id, copies, AT, [(ORGANISER, "out")])
    [told] = await store.deliveries_of(CallOut(call.id))  # its author, once, with the copies
    assert (told.chat_id, told.payload) == (ORGANISER, "out")
    assert len(await store.deliveries_of(CallCopy(call.id, "text"))) == 1
    published = await store.call(call.id)
    assert published is not None
    assert published.status is CallStatus.PUBLISHED
    assert await store.due_calls(AT) == []
    assert await store.next_call_due() is None
    entry = (await store.audit_entries())[0]
    assert (entry.action, entry.actor_id) == ("call:published", None)
    assert json.loads(entry.detail)["approved_by"] is None


async def test_a_schedule_called_off_as_it_falls_due_goes_one_way_only(
    store: Store, make_call: CallFactory
) -> None:
    copies: Copies = [("text", [(CHANNEL, "t")])]

    async def race(call_id: int, publish_first: bool) -> tuple[bool, bool]:
        publish = store.publish_scheduled_call(call_id, copies, AT)
        call_off = store.set_call_status(
            call_id, CallStatus.DRAFT, ORGANISER, AT, expected=CallStatus.SCHEDULED
        )
        if publish_first:
            return await asyncio.gather(publish, call_off)
        called_off, published = await asyncio.gather(call_off, publish)
        return published, called_off

    calls = [await make_call(status=CallStatus.SCHEDULED, publish_at=AT) for _ in range(6)]
    outcomes = await asyncio.gather(*(race(c.id, i % 2 == 0) for i, c in enumerate(calls)))
    assert {published for published, _ in outcomes} == {True, False}, "both ways were tried"
    for call, (published, called_off) in zip(calls, outcomes, strict=True):
        assert published != called_off, "either published or called off, never both"
        stored = await store.call(call.id)
        assert stored is not None
        queued = await store.deliveries_of(CallCopy(call.id, "text"))
        if published:
            assert (stored.status, len(queued)) == (CallStatus.PUBLISHED, 1)
        else:
            assert (stored.status, queued) == (CallStatus.DRAFT, [])


async def test_a_status_moves_on_only_from_the_one_expected(
    store: Store, make_call: CallFactory
) -> None:
    call = await make_call()
    assert not await store.set_call_status(
        call.id, CallStatus.DRAFT, ORGANISER, NOW, expected=CallStatus.SCHEDULED
    )
    assert await store.set_call_status(
        call.id, CallStatus.DELETED, ORGANISER, NOW, expected=CallStatus.PUBLISHED
    )
    stored = await store.call(call.id)
    assert stored is not None
    assert stored.status is CallStatus.DELETED
    assert await audited(store) == ["call:published", "call:deleted"]


async def test_recent_calls_leave_out_drafts(store: Store, make_call: CallFactory) -> None:
    first = await make_call()
    await make_call(status=CallStatus.DRAFT)
    third = await make_call(status=CallStatus.SCHEDULED, publish_at=AT)
    assert [c.id for c in await store.recent_calls()] == [third.id, first.id]
    assert [c.id for c in await store.recent_calls(limit=1)] == [third.id]


async def test_a_deleted_call_is_deleted_everywhere_and_only_itself(
    store: Store, make_call: CallFactory
) -> None:
    calls = [await make_call(copies=[("text", [(CHANNEL, "t"), (GROUP, "t")])]) for _ in range(12)]
    first, twelfth = calls[0], calls[11]
    assert (first.id, twelfth.id) == (1, 12)
    edit = CallEdit(first.id, "20261126120000000000")
    await store.enqueue_deliveries(edit, [(CHANNEL, "e")], NOW, NOW)
    [sent] = await store.claim_due_deliveries(NOW, limit=1)
    assert sent.purpose == "call:1:text"
    await store.mark_delivery_sent(sent.id, [77], NOW)

    deleted = await store.delete_call(first.id, lambda ids: json.dumps({"delete": ids}), 8, NOW)
    assert deleted == CallDeleted("deleted", 1)
    again = await store.delete_call(first.id, lambda ids: "{}", 8, NOW)
    assert again == CallDeleted("gone"), "once"
    stored = await store.call(first.id)
    assert stored is not None
    assert stored.status is CallStatus.DELETED
    statuses = [d.status for d in await store.deliveries_of(CallCopy(first.id, "text"))]
    assert statuses == [DeliveryStatus.SENT, DeliveryStatus.SKIPPED]
    [edit_row] = await store.deliveries_of(edit)
    assert (edit_row.status, edit_row.last_error) == (
        DeliveryStatus.SKIPPED,
        "the call was deleted",
    )
    [deletion] = await store.deliveries_of(CallDeletion(first.id))
    assert (deletion.chat_id, deletion.payload, deletion.status) == (
        sent.chat_id,
        '{"delete": [77]}',
        DeliveryStatus.PENDING,
    )
    others = await store.deliveries_of(CallCopy(twelfth.id, "text"))
    assert [d.status for d in others] == [DeliveryStatus.PENDING] * 2, "call 12 is untouched"
    assert (await audited(store))[-1] == "call:deleted"


async def test_only_a_published_call_is_deleted(store: Store, make_call: CallFactory) -> None:
    draft = await make_call(status=CallStatus.DRAFT)
    scheduled = await make_call(status=CallStatus.SCHEDULED, publish_at=AT)
    assert await store.delete_call(draft.id, str, ORGANISER, NOW) == CallDeleted("gone")
    assert await store.delete_call(scheduled.id, str, ORGANISER, NOW) == CallDeleted("gone")
    assert await store.deliveries_of(CallDeletion(scheduled.id)) == []
    assert "call:deleted" not in await audited(store)


async def test_a_call_is_not_deleted_while_a_copy_is_on_its_way(
    store: Store, make_call: CallFactory
) -> None:
    """A copy being sent would arrive after the deletion and stay: refused, nothing changed;
    once it has arrived, its message is deleted with the others."""
    # Channels (negative ids): a subscriber's copy needs a subscribed member.
    calls = [await make_call(copies=[("text", [(-1, "{}"), (-2, "{}")])]) for _ in range(12)]
    first, twelfth = calls[0], calls[11]
    [one, two, *_] = await store.claim_due_deliveries(NOW, limit=3)
    assert (one.purpose, two.purpose) == ("call:1:text", "call:1:text")
    await store.mark_delivery_sent(one.id, [10], NOW)

    deleted = await store.delete_call(twelfth.id, str, 8, NOW)
    assert deleted == CallDeleted("deleted", 0), "call 1's copies do not hold up call 12"
    assert await store.delete_call(first.id, str, 8, NOW) == CallDeleted("sending")
    stored = await store.call(first.id)
    assert stored is not None and stored.status is CallStatus.PUBLISHED
    assert await store.deliveries_of(CallDeletion(first.id)) == []

    await store.mark_delivery_sent(two.id, [20, 21], NOW)
    deleted = await store.delete_call(first.id, lambda ids: json.dumps(ids), 8, NOW)
    assert deleted == CallDeleted("deleted", 2)
    rows = await store.deliveries_of(CallDeletion(first.id))
    assert sorted((d.chat_id, d.payload) for d in rows) == [(-2, "[20, 21]"), (-1, "[10]")]


async def test_a_call_reached_each_chat_it_was_sent_to_once(
    store: Store, make_call: CallFactory
) -> None:
    call = await make_call(
        copies=[
            ("media", [(-1, "{}"), (-2, "{}"), (-3, "{}")]),
            ("text", [(-1, "{}"), (-2, "{}")]),
        ]
    )
    other = await make_call(copies=[("text", [(-1, "{}")])])
    rows = await store.claim_due_deliveries(NOW, limit=10)
    for row in rows:
        if row.chat_id == -3 and row.purpose.startswith(f"call:{call.id}:"):
            await store.mark_delivery_failed(row.id, "Forbidden", NOW)
        else:
            await store.mark_delivery_sent(row.id, [row.id], NOW)
    counts = await store.call_copy_counts([call.id, other.id, 99])
    assert counts == {call.id: 2, other.id: 1, 99: 0}


async def test_only_a_live_call_is_edited(store: Store, make_call: CallFactory) -> None:
    published = await make_call()
    scheduled = await make_call(status=CallStatus.SCHEDULED, publish_at=AT)
    draft = await make_call(status=CallStatus.DRAFT)
    deleted = await make_call()
    await store.delete_call(deleted.id, str, ORGANISER, NOW)
    entities = '[{"type": "italic", "offset": 0, "length": 3}]'
    assert await store.edit_call_text(published.id, "New", entities, 8, NOW)
    assert await store.edit_call_text(scheduled.id, "New", "[]", 8, NOW)
    assert not await store.edit_call_text(draft.id, "New", "[]", 8, NOW)
    assert not await store.edit_call_text(deleted.id, "New", "[]", 8, NOW)
    edited = await store.call(published.id)
    assert edited is not None
    assert (edited.text, edited.entities) == ("New", entities)
    unchanged = await store.call(draft.id)
    assert unchanged is not None
    assert unchanged.text == "Everyone to the square!"
    assert (await audited(store)).count("call:edit") == 2
