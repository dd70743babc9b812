"""Requests for a second person's approval of a call, on a real SQLite file: each decision
counts once, moves the call with it and is audited in the same transaction."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, ReadDb, audited, new_call
from turnout.storage import Call, CallStatus, Store
from turnout.storage.approvals import ApprovalKind, ApprovalStatus, Asks, CallApproval
from turnout.storage.calls import Copies
from turnout.storage.purposes import ApprovalOutcome, ApprovalRequest, CallCopy

AT = NOW + timedelta(hours=3)
CHANNEL = -1001
APPROVER = 8


def asks(request: CallApproval, call: Call) -> Asks:
    return [
        (ApprovalRequest(request.id, "text"), [(APPROVER, f"preview of {call.id}")]),
        (ApprovalRequest(request.id, "ask"), [(APPROVER, f"ask {request.id}")]),
    ]


async def waiting(store: Store, at: datetime | None = None) -> tuple[Call, CallApproval]:
    return await store.create_awaiting_call(
        ORGANISER, new_call(targets=(CHANNEL,), to_subscribers=False), at, NOW, asks
    )


async def test_a_waiting_call_is_stored_with_its_request_and_its_questions(
    store: Store, read_db: ReadDb
) -> None:
    call, request = await waiting(store)
    assert call.status is CallStatus.AWAITING
    assert (request.kind, request.status, request.requested_by) == (
        ApprovalKind.PUBLISH,
        ApprovalStatus.PENDING,
        ORGANISER,
    )
    assert await store.call_approval(request.id) == request
    rows = read_db("SELECT purpose, chat_id, payload FROM deliveries ORDER BY id")
    assert rows == [
        (f"approval:{request.id}:text", APPROVER, f"preview of {call.id}"),
        (f"approval:{request.id}:ask", APPROVER, f"ask {request.id}"),
    ]
    assert await audited(store) == ["call:approval_requested"]
    assert await store.recent_calls() == [call]  # /calls lists it, awaiting approval


async def test_an_approval_publishes_once_and_names_the_approver(
    store: Store, read_db: ReadDb
) -> None:
    call, request = await waiting(store)
    copies: Copies = [("text", [(CHANNEL, "post")])]
    told = [(ORGANISER, "approved")]
    assert await store.approve_publication(request.id, APPROVER, copies, NOW, told)
    assert not await store.approve_publication(request.id, APPROVER, copies, NOW, told)
    assert len(await store.deliveries_of(CallCopy(call.id, "text"))) == 1
    assert len(await store.deliveries_of(ApprovalOutcome(request.id))) == 1
    published = await store.call(call.id)
    assert published is not None and published.status is CallStatus.PUBLISHED
    decided = await store.call_approval(request.id)
    assert decided is not None
    assert (decided.status, decided.decided_by) == (ApprovalStatus.APPROVED, APPROVER)
    entries = list(reversed(await store.audit_entries()))
    assert [e.action for e in entries] == [
        "call:approval_requested",
        "call:approved",
        "call:published",
    ]
    assert json.loads(entries[-1].detail) == {
        "call": call.id,
        "targets": [CHANNEL],
        "approved_by": APPROVER,
    }
    assert read_db("SELECT approved_by FROM calls") == [(APPROVER,)]


async def test_a_refusal_and_an_approval_at_once_count_once(store: Store) -> None:
    call, request = await waiting(store)
    assert await store.refuse_approval(request.id, APPROVER, NOW, []) is not None
    assert not await store.approve_publication(request.id, APPROVER + 1, [], NOW, [])
    refused = await store.call(call.id)
    assert refused is not None and refused.status is CallStatus.DRAFT
    assert await audited(store) == ["call:approval_requested", "call:refused"]


async def test_a_schedule_is_approved_only_before_its_time(store: Store) -> None:
    call, request = await waiting(store, AT)
    assert not await store.approve_schedule(request.id, APPROVER, AT, [])
    still = await store.call_approval(request.id)
    assert still is not None and still.status is ApprovalStatus.PENDING  # nothing written
    assert await store.next_call_due() == AT
    assert await store.due_awaiting_calls(AT) == [call]
    assert await store.miss_approval(call.id, AT, [(ORGANISER, "missed")])
    assert not await store.miss_approval(call.id, AT, [])
    missed = await store.call_approval(request.id)
    assert missed is not None and missed.status is ApprovalStatus.MISSED
    assert len(await store.deliveries_of(ApprovalOutcome(request.id))) == 1
    assert await store.due_awaiting_calls(AT) == []


async def test_an_approved_schedule_is_published_later_naming_the_approver(store: Store) -> None:
    call, request = await waiting(store, AT)
    assert await store.approve_schedule(request.id, APPROVER, NOW, [])
    assert [c.id for c in await store.due_calls(AT)] == [call.id]
    assert await store.publish_scheduled_call(call.id, [], AT)
    entry = (await store.audit_entries())[0]
    assert entry.action == "call:published"
    assert json.loads(entry.detail)["approved_by"] == APPROVER


async def test_a_newer_edit_voids_the_older_and_only_it_can_be_approved(store: Store) -> None:
    published = await store.create_call(
        ORGANISER, new_call(targets=(CHANNEL,)), CallStatus.PUBLISHED, None, NOW
    )

    def no_asks(request: CallApproval) -> Asks:
        return []

    first = await store.request_edit(published.id, ORGANISER, "one", "[]", NOW, no_asks)
    second = await store.request_edit(published.id, ORGANISER, "two", "[]", NOW, no_asks)
    assert first is not None and second is not None
    assert await store.pending_edits([published.id]) == {published.id}
    assert await store.approve_edit(first.id, APPROVER, NOW, []) is None
    approved = await store.approve_edit(second.id, APPROVER, NOW, [])
    assert approved is not None and approved.text == "two"
    changed = await store.call(published.id)
    assert changed is not None and changed.text == "two"
    assert await store.pending_edits([published.id]) == set()
    edit = (await store.audit_entries())[0]
    assert (edit.action, json.loads(edit.detail)) == (
        "call:edit",
        {"call": published.id, "approved_by": APPROVER},
    )


async def test_a_direct_change_or_a_deletion_voids_what_waits(store: Store) -> None:
    published = await store.create_call(
        ORGANISER, new_call(targets=(CHANNEL,)), CallStatus.PUBLISHED, None, NOW
    )
    waiting_edit = await store.request_edit(published.id, ORGANISER, "new", "[]", NOW, lambda r: [])
    assert waiting_edit is not None
    assert await store.edit_call_text(published.id, "direct", "[]", ORGANISER, NOW)
    void = await store.call_approval(waiting_edit.id)
    assert void is not None and void.status is ApprovalStatus.VOID
    assert await store.approve_edit(waiting_edit.id, APPROVER, NOW, []) is None
    call, request = await waiting(store)
    assert await store.set_call_status(
        call.id, CallStatus.DRAFT, ORGANISER, NOW, expected=CallStatus.AWAITING
    )
    withdrawn = await store.call_approval(request.id)
    assert withdrawn is not None and withdrawn.status is ApprovalStatus.VOID


async def test_a_forgotten_member_leaves_requests_and_approvals_unnamed(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    author = await make_member(first_name="Ana")
    approver = await make_member(first_name="Ben")
    call, request = await store.create_awaiting_call(
        author.user_id, new_call(targets=(CHANNEL,)), AT, NOW, asks
    )
    assert await store.approve_schedule(request.id, approver.user_id, NOW, [])
    assert await store.publish_scheduled_call(call.id, [], AT)
    await store.forget_member(approver.user_id, "Member X", AT)
    await store.forget_member(author.user_id, "Member Y", AT)
    assert read_db("SELECT requested_by, decided_by FROM call_approvals") == [(0, 0)]
    assert read_db("SELECT approved_by FROM calls") == [(0,)]
    details = [json.loads(d) for (d,) in read_db("SELECT detail FROM audit_log")]
    assert all(d.get("approved_by") in (None, 0) for d in details)
    assert any("approved_by" in d for d in details)
