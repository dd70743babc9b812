"""Queries of the outbox: enqueueing, claiming, and recording what happened to each row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase, from_db_time, to_db_time
from turnout.storage.purposes import Purpose
from turnout.storage.records import (
    Delivery,
    DeliveryCounts,
    Failed,
    Outcome,
    Retry,
    Sent,
    SentCopy,
    Unreachable,
)
from turnout.storage.rows import delivery_from, message_ids


class DeliveryQueries(StoreBase):
    async def highest_message_id(self) -> int:
        """The highest message id the database remembers: of deliveries (calls are edited by
        them), of report media, and of the text last added to a report (a message is added
        once). The sandbox starts its new chats above it."""
        row = await self._fetch_one(
            """
            SELECT MAX(
                (SELECT COALESCE(MAX(message_id), 0) FROM deliveries),
                (SELECT COALESCE(MAX(message_id), 0) FROM report_media),
                (SELECT COALESCE(MAX(text_through), 0) FROM reports)
            )
            """,
            {},
        )
        highest = int(row[0] or 0) if row else 0
        # An album's ids are kept as "10,11,12" (its first in message_id): read the rest here.
        albums = await self._fetch_all(
            "SELECT message_id, message_ids FROM deliveries WHERE message_ids LIKE '%,%'", {}
        )
        return max([highest, *(max(message_ids(album)) for album in albums)])

    async def enqueue_deliveries(
        self,
        purpose: Purpose,
        messages: Sequence[tuple[int, str]],
        due_at: datetime,
        now: datetime,
        expires_at: datetime | None = None,
        *,
        may_pay: bool = False,
    ) -> int:
        """Add one row per (chat id, payload) in one transaction; return how many are new.

        Enqueuing a purpose and chat that already have a row changes nothing, so a job that
        runs twice (or after a restart) cannot send the same thing twice. ``may_pay``: the
        sender agreed to pay for copies above the free rate.
        """
        async with self._transaction() as db:
            return await insert_deliveries(
                db, purpose, messages, due_at, now, expires_at, may_pay=may_pay
            )

    async def claim_due_deliveries(
        self, now: datetime, limit: int, *, free_only: int | None = None
    ) -> list[Delivery]:
        """Mark up to ``limit`` due rows as being sent and return them: those of the highest
        priority first (an urgent alert before a call's copies), then the oldest. Of rows that
        may not pay, at most ``free_only`` (all when None): the free lane has room for no more.

        Rows past their ``expires_at`` (a reminder for an action that has started) are skipped
        instead: late is worse than never for them.
        """
        async with self._transaction() as db:
            await db.execute(
                """
                UPDATE deliveries SET status = 'skipped', last_error = 'expired', updated_at = :now
                WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= :now
                """,
                {"now": to_db_time(now)},
            )
            cursor = await db.execute(
                """
                UPDATE deliveries
                SET status = 'claimed', attempts = attempts + 1, updated_at = :now
                WHERE id IN (
                    SELECT id FROM (
                        SELECT id, may_pay,
                               SUM(1 - may_pay) OVER (
                                   ORDER BY priority DESC, due_at, id
                                   ROWS UNBOUNDED PRECEDING
                               ) AS free_so_far
                        FROM (
                            -- The lane's own index, in its order: without it SQLite reads and
                            -- sorts every pending row (a call's 20,000) to claim fifty.
                            SELECT id, may_pay, priority, due_at
                            FROM deliveries INDEXED BY deliveries_by_priority
                            WHERE status = 'pending' AND due_at <= :now
                            ORDER BY priority DESC, due_at, id
                            LIMIT :limit
                        )
                    )
                    WHERE may_pay OR :free_only IS NULL OR free_so_far <= :free_only
                )
                RETURNING *
                """,
                {"now": to_db_time(now), "limit": limit, "free_only": free_only},
            )
            rows = await cursor.fetchall()
        return sorted(
            (delivery_from(row) for row in rows), key=lambda d: (-d.priority, d.due_at, d.id)
        )

    async def mark_delivery_sent(
        self, delivery_id: int, message_ids: Sequence[int], now: datetime
    ) -> None:
        """Sent: keep the message ids Telegram made (the first, and all of an album)."""
        await self.settle_deliveries([Sent(delivery_id, tuple(message_ids))], now)

    async def settle_deliveries(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Record what became of many claimed rows in one transaction: the outbox writes its
        answers in batches, so a broadcast at 1,000 a second is not 1,000 commits a second."""
        stamp = to_db_time(now)
        sent = [o for o in outcomes if isinstance(o, Sent)]
        retried = [o for o in outcomes if isinstance(o, Retry)]
        failed = [o for o in outcomes if isinstance(o, Failed | Unreachable)]
        unreachable = [o for o in outcomes if isinstance(o, Unreachable)]
        async with self._transaction() as db:
            if sent:
                await db.executemany(
                    """
                    UPDATE deliveries
                    SET status = 'sent', message_id = :message_id, message_ids = :message_ids,
                        paid = :paid, last_error = NULL, updated_at = :now
                    WHERE id = :id
                    """,
                    [
                        {
                            "id": o.id,
                            "message_id": o.message_ids[0] if o.message_ids else None,
                            "message_ids": ",".join(str(i) for i in o.message_ids),
                            "paid": int(o.paid),
                            "now": stamp,
                        }
                        for o in sent
                    ],
                )
            if retried:
                await db.executemany(
                    """
                    UPDATE deliveries
                    SET status = 'pending', due_at = :due_at, last_error = :error,
                        updated_at = :now, attempts = attempts - :refund,
                        may_pay = may_pay AND NOT :free
                    WHERE id = :id
                    """,
                    [
                        {
                            "id": o.id,
                            "due_at": to_db_time(o.due_at),
                            "error": o.error,
                            "now": stamp,
                            "refund": 0 if o.count_attempt else 1,
                            "free": int(o.free),
                        }
                        for o in retried
                    ],
                )
            if failed:
                await db.executemany(
                    """
                    UPDATE deliveries SET status = 'failed', last_error = :error, updated_at = :now
                    WHERE id = :id
                    """,
                    [{"id": o.id, "error": o.error, "now": stamp} for o in failed],
                )
            if unreachable:
                await db.executemany(
                    """
                    UPDATE members SET reachable = 0, subscribed = 0, updated_at = :now
                    WHERE user_id = :chat_id
                    """,
                    [{"chat_id": gone.chat_id, "now": stamp} for gone in unreachable],
                )
            for o in sent:
                if o.follow_up is not None:
                    follow = o.follow_up
                    await insert_deliveries(
                        db, follow.purpose, [(follow.chat_id, follow.payload)], now, now,
                        follow.expires_at,
                    )  # fmt: skip
        for gone in unreachable:
            self._members.pop(gone.chat_id, None)

    async def stop_paying(self, now: datetime) -> list[str]:
        """The bot's Stars ran out: rows that were to go paid now go at the free rate. Returns
        the purposes that had such rows, each once."""
        rows = await self._execute_returning(
            """
            UPDATE deliveries SET may_pay = 0, updated_at = :now
            WHERE may_pay = 1 AND status IN ('pending', 'claimed')
            RETURNING purpose
            """,
            {"now": to_db_time(now)},
        )
        return sorted({row["purpose"] for row in rows})

    async def sent_copies(self, purpose: Purpose) -> list[SentCopy]:
        """Every message sent for ``purpose`` (a call's copies, to edit or delete them)."""
        rows = await self._fetch_all(
            """
            SELECT chat_id, message_id, message_ids FROM deliveries
            WHERE status = 'sent' AND purpose = :purpose
            ORDER BY id
            """,
            {"purpose": purpose.key},
        )
        return [SentCopy(row["chat_id"], message_ids(row)) for row in rows]

    async def mark_delivery_failed(self, delivery_id: int, error: str, now: datetime) -> None:
        await self.settle_deliveries([Failed(delivery_id, error)], now)

    async def retry_delivery(
        self,
        delivery_id: int,
        due_at: datetime,
        error: str | None,
        now: datetime,
        *,
        count_attempt: bool = True,
    ) -> None:
        """Put a claimed row back in the queue, due at ``due_at`` (see ``Retry``)."""
        await self.settle_deliveries([Retry(delivery_id, due_at, error, count_attempt)], now)

    async def mark_recipient_unreachable(
        self, delivery_id: int, chat_id: int, error: str, now: datetime
    ) -> None:
        """The chat refused the bot (blocked, kicked): fail the row and stop sending there."""
        await self.settle_deliveries([Unreachable(delivery_id, chat_id, error)], now)

    async def rewrite_pending(
        self, purpose: Purpose, payload: str, now: datetime, chats: Sequence[int] | None = None
    ) -> int:
        """Give the rows of ``purpose`` not sent yet a new payload (an edit made mid-send); only
        those of ``chats`` when given (each language its own payload)."""
        return await self._execute(
            """
            UPDATE deliveries SET payload = :payload, updated_at = :now
            WHERE purpose = :purpose AND status = 'pending'
              AND (:chats IS NULL OR chat_id IN (SELECT value FROM json_each(:chats)))
            """,
            {
                "purpose": purpose.key,
                "payload": payload,
                "now": to_db_time(now),
                "chats": None if chats is None else json.dumps(list(chats)),
            },
        )

    async def pending_chats(self, purpose: Purpose) -> list[int]:
        rows = await self._fetch_all(
            "SELECT chat_id FROM deliveries WHERE purpose = :purpose AND status = 'pending'",
            {"purpose": purpose.key},
        )
        return [row["chat_id"] for row in rows]

    async def release_claimed_deliveries(self, now: datetime) -> int:
        """After a crash, rows a dead process had claimed go back to the queue."""
        return await self._execute(
            """
            UPDATE deliveries SET status = 'pending', updated_at = :now
            WHERE status = 'claimed'
            """,
            {"now": to_db_time(now)},
        )

    async def next_delivery_due(self) -> datetime | None:
        row = await self._fetch_one(
            "SELECT MIN(due_at) AS due_at FROM deliveries WHERE status = 'pending'", {}
        )
        return None if row is None or row["due_at"] is None else from_db_time(row["due_at"])

    async def delivery_counts(self, purpose: Purpose | None = None) -> list[DeliveryCounts]:
        """Rows per status for each purpose (or the one asked for), purposes in order."""
        rows = await self._fetch_all(
            """
            SELECT purpose, status, COUNT(*) AS n, SUM(paid) AS paid FROM deliveries
            WHERE :purpose IS NULL OR purpose = :purpose
            GROUP BY purpose, status
            ORDER BY purpose
            """,
            {"purpose": None if purpose is None else purpose.key},
        )
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            counts.setdefault(row["purpose"], {})[row["status"]] = row["n"]
            if row["status"] == "sent" and row["paid"]:
                counts[row["purpose"]]["paid"] = row["paid"]
        return [DeliveryCounts(name, **by_status) for name, by_status in counts.items()]

    async def delivery_failures(self, limit: int = 10) -> list[Delivery]:
        """The most recent failures, newest first, for operators."""
        rows = await self._fetch_all(
            """
            SELECT * FROM deliveries WHERE status = 'failed'
            ORDER BY updated_at DESC, id DESC LIMIT :limit
            """,
            {"limit": limit},
        )
        return [delivery_from(row) for row in rows]

    async def deliveries_of(self, purpose: Purpose) -> list[Delivery]:
        """Every row of one purpose, by id (for progress views and tests)."""
        rows = await self._fetch_all(
            "SELECT * FROM deliveries WHERE purpose = :purpose ORDER BY id",
            {"purpose": purpose.key},
        )
        return [delivery_from(row) for row in rows]


async def insert_deliveries(
    db: aiosqlite.Connection,
    purpose: Purpose,
    messages: Sequence[tuple[int, str]],
    due_at: datetime,
    now: datetime,
    expires_at: datetime | None,
    *,
    may_pay: bool = False,
) -> int:
    """Within a transaction: one row per (chat id, payload), skipping chats that already have
    one for ``purpose``; return how many are new. ``may_pay``: the sender agreed to pay for
    copies above the free rate (``allow_paid_broadcast``)."""
    before = db.total_changes
    await db.executemany(
        """
        INSERT INTO deliveries (purpose, chat_id, payload, due_at, expires_at, priority,
                                may_pay, created_at, updated_at)
        VALUES (:purpose, :chat_id, :payload, :due_at, :expires_at, :priority, :may_pay,
                :now, :now)
        ON CONFLICT (purpose, chat_id) DO NOTHING
        """,
        [
            {
                "purpose": purpose.key,
                "chat_id": chat_id,
                "payload": payload,
                "due_at": to_db_time(due_at),
                "expires_at": None if expires_at is None else to_db_time(expires_at),
                "priority": purpose.priority,
                "may_pay": int(may_pay),
                "now": to_db_time(now),
            }
            for chat_id, payload in messages
        ],
    )
    return db.total_changes - before
