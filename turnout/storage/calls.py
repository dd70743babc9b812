"""Queries about calls to action."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from turnout.storage.base import StoreBase, from_db_time, optional_time, to_db_time, write_audit
from turnout.storage.models import Call, CallStatus


class CallQueries(StoreBase):
    async def create_call(
        self,
        author: int,
        text: str,
        entities: str,
        media: str,
        action_id: int | None,
        targets: Sequence[int],
        to_subscribers: bool,
        status: CallStatus,
        publish_at: datetime | None,
        now: datetime,
        campaign_id: int | None = None,
    ) -> Call:
        """Store a call ready to publish (now or at ``publish_at``); audited."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                INSERT INTO calls (author, text, entities, media, action_id, targets,
                                   to_subscribers, status, publish_at, campaign_id,
                                   created_at, updated_at)
                VALUES (:author, :text, :entities, :media, :action_id, :targets,
                        :to_subscribers, :status, :publish_at, :campaign_id, :now, :now)
                """,
                {
                    "author": author,
                    "text": text,
                    "entities": entities,
                    "media": media,
                    "action_id": action_id,
                    "campaign_id": campaign_id,
                    "targets": json.dumps(list(targets)),
                    "to_subscribers": int(to_subscribers),
                    "status": status,
                    "publish_at": None if publish_at is None else to_db_time(publish_at),
                    "now": to_db_time(now),
                },
            )
            call_id = cursor.lastrowid
            assert call_id is not None
            await write_audit(
                db, now, author, f"call:{status}", None, {"call": call_id, "targets": list(targets)}
            )
            async with db.execute("SELECT * FROM calls WHERE id = :id", {"id": call_id}) as rows:
                row = await rows.fetchone()
        assert row is not None
        return _call(row)

    async def call(self, call_id: int) -> Call | None:
        row = await self._fetch_one("SELECT * FROM calls WHERE id = :id", {"id": call_id})
        return None if row is None else _call(row)

    async def recent_calls(self, limit: int = 10) -> list[Call]:
        rows = await self._fetch_all(
            "SELECT * FROM calls WHERE status != 'draft' ORDER BY id DESC LIMIT :limit",
            {"limit": limit},
        )
        return [_call(row) for row in rows]

    async def due_calls(self, now: datetime) -> list[Call]:
        rows = await self._fetch_all(
            """
            SELECT * FROM calls WHERE status = 'scheduled' AND publish_at <= :now
            ORDER BY publish_at, id
            """,
            {"now": to_db_time(now)},
        )
        return [_call(row) for row in rows]

    async def next_call_due(self) -> datetime | None:
        row = await self._fetch_one(
            "SELECT MIN(publish_at) AS due FROM calls WHERE status = 'scheduled'", {}
        )
        return None if row is None or row["due"] is None else from_db_time(row["due"])

    async def delete_call(self, call_id: int, actor: int, now: datetime) -> bool:
        """Mark a published call deleted and skip its copies still waiting in the outbox, in one
        transaction; the copies already sent are deleted by the caller."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE calls SET status = 'deleted', updated_at = :now
                WHERE id = :id AND status = 'published'
                """,
                {"id": call_id, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return False
            await db.execute(
                """
                UPDATE deliveries SET status = 'skipped', last_error = 'the call was deleted',
                                      updated_at = :now
                WHERE status = 'pending' AND purpose LIKE :prefix
                """,
                {"prefix": f"call:{call_id}:%", "now": to_db_time(now)},
            )
            await write_audit(db, now, actor, "call:deleted", None, {"call": call_id})
        return True

    async def call_copies_in_flight(self, call_id: int) -> int:
        """Copies being sent this very moment (they cannot be stopped, only waited for)."""
        row = await self._fetch_one(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'claimed' AND purpose LIKE :prefix",
            {"prefix": f"call:{call_id}:%"},
        )
        return int(row[0]) if row else 0

    async def edit_call_text(
        self, call_id: int, text: str, entities: str, actor: int, now: datetime
    ) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE calls SET text = :text, entities = :entities, updated_at = :now
                WHERE id = :id AND status IN ('scheduled', 'published')
                """,
                {"id": call_id, "text": text, "entities": entities, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return False
            await write_audit(db, now, actor, "call:edit", None, {"call": call_id})
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
            cursor = await db.execute(
                """
                UPDATE calls SET status = :status, updated_at = :now
                WHERE id = :id AND status = :expected
                """,
                {"id": call_id, "status": status, "expected": expected, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return False
            await write_audit(db, now, actor, f"call:{status}", None, {"call": call_id})
        return True


def _call(row: sqlite3.Row) -> Call:
    return Call(
        id=row["id"],
        author=row["author"],
        text=row["text"],
        entities=row["entities"],
        media=row["media"],
        action_id=row["action_id"],
        targets=tuple(json.loads(row["targets"])),
        to_subscribers=bool(row["to_subscribers"]),
        status=CallStatus(row["status"]),
        publish_at=optional_time(row["publish_at"]),
        created_at=from_db_time(row["created_at"]),
        campaign_id=row["campaign_id"],
    )
