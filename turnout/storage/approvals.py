"""The two-person rule for broadcasts: requests for a second person's approval of a call (to
publish it, or to change the text of one already out), and what comes of them.

Every decision is one transaction that moves the request from ``pending`` only, so of two
people pressing at once, or a press and the call's time passing, exactly one counts; the call
moves with it, its copies are queued, its requester is told and the audit entries written,
in the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from turnout.storage.base import StoreBase, move_status, rows_changed, to_db_time, write_audit
from turnout.storage.calls import (
    Copies,
    insert_call,
    queue_copies,
    void_pending,
    write_call_text,
)
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import Call, CallStatus, NewCall
from turnout.storage.paid import PaidStart
from turnout.storage.purposes import ApprovalOutcome, Purpose
from turnout.storage.rows import build, call_from

#: Messages to queue with a decision: (chat, payload JSON).
Told = Sequence[tuple[int, str]]
#: A request's messages to the approvers: for each purpose (a part of the call, the question),
#: one payload per chat. Made from the request once it has its id, in the same transaction.
Asks = Sequence[tuple[Purpose, Sequence[tuple[int, str]]]]


class ApprovalKind(StrEnum):
    PUBLISH = "publish"
    EDIT = "edit"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    VOID = "void"
    """Out of date: the call was changed, withdrawn or deleted since, or its requester may no
    longer publish it."""
    MISSED = "missed"
    """A scheduled call's time came before anyone approved it."""


@dataclass(frozen=True, slots=True)
class CallApproval:
    """One request for a second person's approval. An edit's new text is kept here until it
    is approved (``text``, ``entities``); a publication's is the call's own."""

    id: int
    call_id: int
    kind: ApprovalKind
    requested_by: int
    status: ApprovalStatus
    created_at: datetime
    text: str | None = None
    entities: str | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None


def approval_from(row: sqlite3.Row) -> CallApproval:
    return build(CallApproval, row)


class _MovedOn(Exception):
    """The request or its call moved on while a decision was written: the transaction is
    undone."""


class ApprovalQueries(StoreBase):
    async def create_awaiting_call(
        self,
        author: int,
        new: NewCall,
        publish_at: datetime | None,
        now: datetime,
        asks: Callable[[CallApproval, Call], Asks],
    ) -> tuple[Call, CallApproval]:
        """Store a call that waits for a second person's approval (to go now, or at
        ``publish_at``), the request, and its messages to the approvers (``asks``); audited."""
        async with self._transaction() as db:
            call = await insert_call(db, author, new, CallStatus.AWAITING, publish_at, now)
            request = await _insert_request(db, call.id, ApprovalKind.PUBLISH, author, now)
            await _queue(db, asks(request, call), now)
            detail = {
                "call": call.id,
                "request": request.id,
                "kind": "publish",
                "targets": list(new.targets),
                "publish_at": None if publish_at is None else to_db_time(publish_at),
            }
            await write_audit(db, now, author, "call:approval_requested", None, detail)
        return call, request

    async def request_edit(
        self,
        call_id: int,
        requester: int,
        text: str,
        entities: str,
        now: datetime,
        asks: Callable[[CallApproval], Asks],
    ) -> CallApproval | None:
        """Keep a new text of a published call until a second person approves it, and queue
        the request's messages (``asks``); any earlier request to change it is out of date now.
        None if the call is not published any more."""
        async with self._transaction() as db:
            async with db.execute(
                "SELECT 1 FROM calls WHERE id = :id AND status = 'published'", {"id": call_id}
            ) as cursor:
                if await cursor.fetchone() is None:
                    return None
            await void_pending(db, call_id, now)
            request = await _insert_request(
                db, call_id, ApprovalKind.EDIT, requester, now, text, entities
            )
            await _queue(db, asks(request), now)
            detail = {"call": call_id, "request": request.id, "kind": "edit"}
            await write_audit(db, now, requester, "call:approval_requested", None, detail)
        return request

    async def call_approval(self, request_id: int) -> CallApproval | None:
        row = await self._fetch_one(
            "SELECT * FROM call_approvals WHERE id = :id", {"id": request_id}
        )
        return None if row is None else approval_from(row)

    async def pending_edits(self, call_ids: Sequence[int]) -> set[int]:
        """Which of these calls have a new text waiting for approval."""
        rows = await self._fetch_all(
            """
            SELECT DISTINCT call_id FROM call_approvals
            WHERE status = 'pending' AND kind = 'edit'
              AND call_id IN (SELECT value FROM json_each(:ids))
            """,
            {"ids": json.dumps(list(call_ids))},
        )
        return {row["call_id"] for row in rows}

    async def call_approver(self, call_id: int) -> int | None:
        """Who approved a call (a scheduled one, before its time); None if nobody did."""
        row = await self._fetch_one("SELECT approved_by FROM calls WHERE id = :id", {"id": call_id})
        return None if row is None or row["approved_by"] is None else int(row["approved_by"])

    async def due_awaiting_calls(self, now: datetime) -> list[Call]:
        """Scheduled calls whose time came while they still waited for approval."""
        rows = await self._fetch_all(
            """
            SELECT * FROM calls
            WHERE status = 'awaiting' AND publish_at IS NOT NULL AND publish_at <= :now
            ORDER BY publish_at, id
            """,
            {"now": to_db_time(now)},
        )
        return [call_from(row) for row in rows]

    async def approve_publication(
        self,
        request_id: int,
        approver: int,
        copies: Copies,
        now: datetime,
        told: Told,
        *,
        paid: PaidStart | None = None,
    ) -> bool:
        """Approved, to go now: the call is published and its copies queued, its requester
        ``told``; audited (``call:approved``, and ``call:published`` naming the approver).
        ``paid``: it starts as the paid broadcast its author chose. False if the request or
        the call moved on meanwhile."""
        try:
            async with self._transaction() as db:
                request = await _decide(db, request_id, ApprovalStatus.APPROVED, approver, now)
                if request is None or not await _leave_awaiting(
                    db, request.call_id, CallStatus.PUBLISHED, approver, now
                ):
                    raise _MovedOn
                await queue_copies(db, request.call_id, copies, now, paid)
                await insert_deliveries(db, ApprovalOutcome(request_id), told, now, now, None)
                call = {"call": request.call_id}
                await write_audit(
                    db, now, approver, "call:approved", None, {**call, "request": request_id}
                )
                targets = await _targets(db, request.call_id)
                published = {**call, "targets": targets, "approved_by": approver}
                await write_audit(db, now, request.requested_by, "call:published", None, published)
        except _MovedOn:
            return False
        return True

    async def approve_schedule(
        self, request_id: int, approver: int, now: datetime, told: Told
    ) -> bool:
        """Approved, to go at its time: the call is scheduled (the planner publishes it then,
        naming the approver), its requester ``told``; audited. False if anything moved on, or
        its time has come (then it is missed, not approved)."""
        try:
            async with self._transaction() as db:
                request = await _decide(db, request_id, ApprovalStatus.APPROVED, approver, now)
                if request is None or not await rows_changed(
                    db,
                    """
                    UPDATE calls
                    SET status = 'scheduled', approved_by = :approver, updated_at = :now
                    WHERE id = :id AND status = 'awaiting' AND publish_at > :now
                    """,
                    {"id": request.call_id, "approver": approver, "now": to_db_time(now)},
                ):
                    raise _MovedOn
                await insert_deliveries(db, ApprovalOutcome(request_id), told, now, now, None)
                detail = {"call": request.call_id, "request": request_id}
                await write_audit(db, now, approver, "call:approved", None, detail)
        except _MovedOn:
            return False
        return True

    async def approve_edit(
        self, request_id: int, approver: int, now: datetime, told: Told
    ) -> CallApproval | None:
        """Approved: the call takes the request's new text (the caller then edits the copies),
        its requester ``told``; audited (``call:approved``, and ``call:edit`` naming the
        approver). None if the request or the call moved on meanwhile."""
        try:
            async with self._transaction() as db:
                request = await _decide(db, request_id, ApprovalStatus.APPROVED, approver, now)
                if (
                    request is None
                    or request.text is None  # an edit's request always holds its text
                    or request.entities is None
                    or not await write_call_text(
                        db, request.call_id, request.text, request.entities, now, ("published",)
                    )
                ):
                    raise _MovedOn
                await insert_deliveries(db, ApprovalOutcome(request_id), told, now, now, None)
                call = {"call": request.call_id}
                await write_audit(
                    db, now, approver, "call:approved", None, {**call, "request": request_id}
                )
                edit = {**call, "approved_by": approver}
                await write_audit(db, now, request.requested_by, "call:edit", None, edit)
        except _MovedOn:
            return None
        return request

    async def refuse_approval(
        self, request_id: int, refuser: int, now: datetime, told: Told
    ) -> CallApproval | None:
        """Refused: a call waiting to be published goes back to its author as a draft; an
        edit is dropped (the posts stay as they are). Its requester ``told``; audited. None if
        the request moved on meanwhile."""
        try:
            async with self._transaction() as db:
                request = await _decide(db, request_id, ApprovalStatus.REFUSED, refuser, now)
                if request is None:
                    return None
                if request.kind is ApprovalKind.PUBLISH and not await _leave_awaiting(
                    db, request.call_id, CallStatus.DRAFT, None, now
                ):
                    raise _MovedOn
                await insert_deliveries(db, ApprovalOutcome(request_id), told, now, now, None)
                detail = {"call": request.call_id, "request": request_id, "kind": request.kind}
                await write_audit(db, now, refuser, "call:refused", None, detail)
        except _MovedOn:
            return None
        return request

    async def drop_approval(
        self,
        request_id: int,
        outcome: ApprovalStatus,
        now: datetime,
        told: Told,
        purpose: ApprovalOutcome | None = None,
    ) -> bool:
        """A request that can no longer be approved (``void``: its requester may not publish
        any more; ``missed``: the call's time came first): a waiting call goes back to a draft,
        ``told`` are told; audited (``call:approval_void`` or ``call:approval_missed``). False
        if it moved on meanwhile."""
        async with self._transaction() as db:
            request = await _decide(db, request_id, outcome, None, now)
            if request is None:
                return False
            if request.kind is ApprovalKind.PUBLISH:
                await _leave_awaiting(db, request.call_id, CallStatus.DRAFT, None, now)
            await insert_deliveries(
                db, purpose or ApprovalOutcome(request_id), told, now, now, None
            )
            detail = {"call": request.call_id, "request": request_id, "kind": request.kind}
            await write_audit(db, now, None, f"call:approval_{outcome}", None, detail)
        return True

    async def miss_approval(self, call_id: int, now: datetime, told: Told) -> bool:
        """A scheduled call's time came while it still waited: not published, back to a draft,
        every request for it missed, its author ``told``; audited. False if it moved on."""
        async with self._transaction() as db:
            if not await move_status(db, "calls", call_id, "awaiting", "draft", now):
                return False
            async with db.execute(
                """
                SELECT id FROM call_approvals
                WHERE call_id = :call AND status = 'pending' AND kind = 'publish'
                ORDER BY id DESC LIMIT 1
                """,
                {"call": call_id},
            ) as cursor:
                row = await cursor.fetchone()
            await void_pending(db, call_id, now, "missed")
            if row is not None:
                await insert_deliveries(db, ApprovalOutcome(row["id"]), told, now, now, None)
            detail = {"call": call_id, "request": None if row is None else row["id"]}
            await write_audit(db, now, None, "call:approval_missed", None, detail)
        return True


async def _queue(db: aiosqlite.Connection, asks: Asks, now: datetime) -> None:
    for purpose, messages in asks:
        await insert_deliveries(db, purpose, messages, now, now, None)


async def _insert_request(
    db: aiosqlite.Connection,
    call_id: int,
    kind: ApprovalKind,
    requester: int,
    now: datetime,
    text: str | None = None,
    entities: str | None = None,
) -> CallApproval:
    cursor = await db.execute(
        """
        INSERT INTO call_approvals (call_id, kind, requested_by, text, entities, created_at)
        VALUES (:call, :kind, :requester, :text, :entities, :now)
        RETURNING *
        """,
        {
            "call": call_id,
            "kind": kind,
            "requester": requester,
            "text": text,
            "entities": entities,
            "now": to_db_time(now),
        },
    )
    row = await cursor.fetchone()
    assert row is not None
    return approval_from(row)


async def _decide(
    db: aiosqlite.Connection,
    request_id: int,
    outcome: ApprovalStatus,
    actor: int | None,
    now: datetime,
) -> CallApproval | None:
    """Within a transaction: move a request on from ``pending`` only; None if it was not."""
    cursor = await db.execute(
        """
        UPDATE call_approvals SET status = :outcome, decided_by = :actor, decided_at = :now
        WHERE id = :id AND status = 'pending'
        RETURNING *
        """,
        {"id": request_id, "outcome": outcome, "actor": actor, "now": to_db_time(now)},
    )
    row = await cursor.fetchone()
    return None if row is None else approval_from(row)


async def _leave_awaiting(
    db: aiosqlite.Connection,
    call_id: int,
    status: CallStatus,
    approver: int | None,
    now: datetime,
) -> bool:
    return await rows_changed(
        db,
        """
        UPDATE calls SET status = :status, approved_by = :approver, updated_at = :now
        WHERE id = :id AND status = 'awaiting'
        """,
        {"id": call_id, "status": status, "approver": approver, "now": to_db_time(now)},
    )


async def _targets(db: aiosqlite.Connection, call_id: int) -> list[int]:
    async with db.execute("SELECT targets FROM calls WHERE id = :id", {"id": call_id}) as cursor:
        row = await cursor.fetchone()
    return [] if row is None else list(json.loads(row["targets"]))
