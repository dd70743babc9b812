"""Queries about calls to action."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

import aiosqlite

from turnout.storage.base import (
    StoreBase,
    from_db_time,
    move_status,
    rows_changed,
    to_db_time,
    write_audit,
)
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import Call, CallStatus, NewCall
from turnout.storage.paid import PaidStart, write_paid_start
from turnout.storage.purposes import CALL_PARTS, CallCopy, CallDeletion, CallOut, CallPart
from turnout.storage.records import CallDeleted
from turnout.storage.rows import call_from, message_ids

#: A call's copies to queue: for each of its parts, one payload per chat.
Copies = Sequence[tuple[CallPart, Sequence[tuple[int, str]]]]


class CallQueries(StoreBase):
    async def create_call(
        self,
        author: int,
        new: NewCall,
        status: CallStatus,
        publish_at: datetime | None,
        now: datetime,
        copies: Copies = (),
        *,
        paid: PaidStart | None = None,
    ) -> Call:
        """Store a call to publish now (with its ``copies`` queued in the same transaction) or
        at ``publish_at``; audited. Published this way, it went out with no second approval
        (``approved_by`` null in the audit entry). ``paid``: it starts as a paid broadcast."""
        async with self._transaction() as db:
            call = await insert_call(db, author, new, status, publish_at, now)
            await queue_copies(db, call.id, copies, now, paid)
            detail: dict[str, object] = {"call": call.id, "targets": list(new.targets)}
            if status is CallStatus.PUBLISHED:
                detail["approved_by"] = None
            await write_audit(db, now, author, f"call:{status}", None, detail)
        return call

    async def publish_scheduled_call(
        self,
        call_id: int,
        copies: Copies,
        now: datetime,
        told: Sequence[tuple[int, str]] = (),
        *,
        paid: PaidStart | None = None,
    ) -> bool:
        """A scheduled call falls due: published, its copies queued, and its author ``told``
        (chat, payload), in one transaction (a crash cannot leave it published with no copies,
        or out without its author knowing). False if it is not scheduled any more (cancelled
        at this very moment, or published already). ``paid``: it starts as a paid broadcast."""
        async with self._transaction() as db:
            if not await move_status(db, "calls", call_id, "scheduled", "published", now):
                return False
            await queue_copies(db, call_id, copies, now, paid)
            await insert_deliveries(db, CallOut(call_id), told, now, now, None)
            async with db.execute(
                "SELECT targets, approved_by FROM calls WHERE id = :id", {"id": call_id}
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            detail = {
                "call": call_id,
                "targets": json.loads(row["targets"]),
                "approved_by": row["approved_by"],
            }
            await write_audit(db, now, None, "call:published", None, detail)
        return True

    async def call(self, call_id: int) -> Call | None:
        row = await self._fetch_one("SELECT * FROM calls WHERE id = :id", {"id": call_id})
        return None if row is None else call_from(row)

    async def recent_calls(self, limit: int = 10) -> list[Call]:
        rows = await self._fetch_all(
            "SELECT * FROM calls WHERE status != 'draft' ORDER BY id DESC LIMIT :limit",
            {"limit": limit},
        )
        return [call_from(row) for row in rows]

    async def due_calls(self, now: datetime) -> list[Call]:
        rows = await self._fetch_all(
            """
            SELECT * FROM calls WHERE status = 'scheduled' AND publish_at <= :now
            ORDER BY publish_at, id
            """,
            {"now": to_db_time(now)},
        )
        return [call_from(row) for row in rows]

    async def next_call_due(self) -> datetime | None:
        row = await self._fetch_one(
            "SELECT MIN(publish_at) AS due FROM calls WHERE status IN ('scheduled', 'awaiting')",
            {},
        )
        return None if row is None or row["due"] is None else from_db_time(row["due"])

    async def delete_call(
        self, call_id: int, deletion: Callable[[tuple[int, ...]], str], actor: int, now: datetime
    ) -> CallDeleted:
        """Mark a published call deleted, skip its rows still waiting in the outbox, and queue
        the deletion of every message sent of it (``deletion`` writes one chat's payload from
        its message ids), in one transaction; audited.

        Refused while a copy is being sent: it would arrive after the deletion and stay. The
        check and the deletion share the transaction, so no copy slips in between."""
        family = {"family": CallCopy.of_call(call_id).like}
        async with self._transaction() as db:
            async with db.execute(
                r"""
                SELECT COUNT(*) FROM deliveries
                WHERE status = 'claimed' AND purpose LIKE :family ESCAPE '\'
                """,
                family,
            ) as cursor:
                sending = await cursor.fetchone()
            if sending is not None and sending[0]:
                return CallDeleted("sending")
            if not await move_status(db, "calls", call_id, "published", "deleted", now):
                return CallDeleted("gone")
            await void_pending(db, call_id, now)
            await db.execute(
                r"""
                UPDATE deliveries SET status = 'skipped', last_error = 'the call was deleted',
                                      updated_at = :now
                WHERE status = 'pending' AND purpose LIKE :family ESCAPE '\'
                """,
                {**family, "now": to_db_time(now)},
            )
            # Every message of the call in each chat (media and text, when it went as two).
            async with db.execute(
                """
                SELECT chat_id, message_id, message_ids FROM deliveries
                WHERE status = 'sent' AND purpose IN (SELECT value FROM json_each(:keys))
                ORDER BY id
                """,
                {"keys": json.dumps([CallCopy(call_id, part).key for part in CALL_PARTS])},
            ) as cursor:
                rows = await cursor.fetchall()
            messages: dict[int, tuple[int, ...]] = {}
            for row in rows:
                messages[row["chat_id"]] = messages.get(row["chat_id"], ()) + message_ids(row)
            payloads = [(chat, deletion(ids)) for chat, ids in messages.items()]
            await insert_deliveries(db, CallDeletion(call_id), payloads, now, now, None)
            await write_audit(db, now, actor, "call:deleted", None, {"call": call_id})
        return CallDeleted("deleted", len(payloads))

    async def call_copy_counts(self, call_ids: Sequence[int]) -> dict[int, int]:
        """How many chats each call reached (its text or its media, sent)."""
        keys = {CallCopy(call, part).key: call for call in call_ids for part in CALL_PARTS}
        rows = await self._fetch_all(
            """
            SELECT purpose, chat_id FROM deliveries
            WHERE status = 'sent' AND purpose IN (SELECT value FROM json_each(:keys))
            """,
            {"keys": json.dumps(sorted(keys))},
        )
        chats: dict[int, set[int]] = {call: set() for call in call_ids}
        for row in rows:
            chats[keys[row["purpose"]]].add(row["chat_id"])
        return {call: len(reached) for call, reached in chats.items()}

    async def edit_call_text(
        self, call_id: int, text: str, entities: str, actor: int, now: datetime
    ) -> bool:
        async with self._transaction() as db:
            if not await write_call_text(
                db, call_id, text, entities, now, ("scheduled", "published")
            ):
                return False
            # Changed without a second approval: any edit still waiting for one is out of date.
            await void_pending(db, call_id, now)
            detail = {"call": call_id, "approved_by": None}
            await write_audit(db, now, actor, "call:edit", None, detail)
        return True

    async def set_call_status(
        self,
        call_id: int,
        status: CallStatus,
        actor: int | None,
        now: datetime,
        *,
        expected: CallStatus,
    ) -> bool:
        """Move a call on from ``expected`` only (so a schedule cancelled at the moment it
        falls due is either published or cancelled, never both); audited. False if not."""
        async with self._transaction() as db:
            if not await move_status(db, "calls", call_id, expected, status, now):
                return False
            await void_pending(db, call_id, now)
            await write_audit(db, now, actor, f"call:{status}", None, {"call": call_id})
        return True


async def insert_call(
    db: aiosqlite.Connection,
    author: int,
    new: NewCall,
    status: CallStatus,
    publish_at: datetime | None,
    now: datetime,
) -> Call:
    """Within a transaction: store a new call."""
    cursor = await db.execute(
        """
        INSERT INTO calls (author, text, entities, media, action_id, targets,
                           to_subscribers, status, publish_at, campaign_id, paid,
                           created_at, updated_at)
        VALUES (:author, :text, :entities, :media, :action_id, :targets,
                :to_subscribers, :status, :publish_at, :campaign_id, :paid, :now, :now)
        RETURNING *
        """,
        {
            "author": author,
            "text": new.text,
            "entities": new.entities,
            "media": new.media,
            "action_id": new.action_id,
            "campaign_id": new.campaign_id,
            "targets": json.dumps(list(new.targets)),
            "to_subscribers": int(new.to_subscribers),
            "paid": int(new.paid),
            "status": status,
            "publish_at": None if publish_at is None else to_db_time(publish_at),
            "now": to_db_time(now),
        },
    )
    row = await cursor.fetchone()
    assert row is not None
    return call_from(row)


async def void_pending(
    db: aiosqlite.Connection, call_id: int, now: datetime, status: str = "void"
) -> int:
    """Within a transaction: the call changed (or went, or its time passed) since a second
    person was asked to approve it: every request still open for it is out of date, and a
    press on its buttons changes nothing. Returns how many there were."""
    cursor = await db.execute(
        """
        UPDATE call_approvals SET status = :status, decided_at = :now
        WHERE call_id = :call AND status = 'pending'
        """,
        {"call": call_id, "status": status, "now": to_db_time(now)},
    )
    return cursor.rowcount


async def queue_copies(
    db: aiosqlite.Connection,
    call_id: int,
    copies: Copies,
    now: datetime,
    paid: PaidStart | None = None,
) -> None:
    """Queue every copy, except to a person who is no subscriber by now: the subscribers were
    read before this transaction, and one may have stopped, or used /forgetme, meanwhile (a
    forgotten member must get nothing). Private chats have positive ids; channels negative.

    ``paid``: its sender chose to pay, so the copies may go above the free rate, and the paid
    broadcast is audited here, with the copies it pays for (every owner hears of it)."""
    async with db.execute("SELECT user_id FROM members WHERE subscribed = 1") as cursor:
        subscribed = {row[0] for row in await cursor.fetchall()}
    for part, messages in copies:
        kept = [(chat, payload) for chat, payload in messages if chat < 0 or chat in subscribed]
        await insert_deliveries(
            db, CallCopy(call_id, part), kept, now, now, None, may_pay=paid is not None
        )
    if paid is not None:
        await write_paid_start(db, now, paid, {"call": call_id})


async def write_call_text(
    db: aiosqlite.Connection,
    call_id: int,
    text: str,
    entities: str,
    now: datetime,
    statuses: tuple[str, ...],
) -> bool:
    """Within a transaction: the call's new text, if it is in one of ``statuses``."""
    return await rows_changed(
        db,
        """
        UPDATE calls SET text = :text, entities = :entities, updated_at = :now
        WHERE id = :id AND status IN (SELECT value FROM json_each(:statuses))
        """,
        {
            "id": call_id,
            "text": text,
            "entities": entities,
            "now": to_db_time(now),
            "statuses": json.dumps(list(statuses)),
        },
    )
