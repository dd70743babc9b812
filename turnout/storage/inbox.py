"""Queries about the inbox: Telegram's updates kept from their arrival until they are handled
(migration 0020 says why the bare ids stay a day longer)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time


class InboxQueries(StoreBase):
    async def keep_updates(
        self, updates: Sequence[tuple[int, int | None, str]], now: datetime
    ) -> list[int]:
        """Store ``(update_id, sender, JSON body)`` in one statement; return the ids that were
        new. One seen before (waiting or already handled) is neither stored nor returned."""
        if not updates:
            return []
        # One statement (atomic on its own), so one trip to the database thread per batch: this
        # is on the path of every update (benchmarks/intake.py).
        rows = await self._execute_returning(
            """
            INSERT INTO inbox (update_id, sender, body, received_at)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
                   json_extract(value, '$[2]'), :now
            FROM json_each(:updates) WHERE true
            ON CONFLICT (update_id) DO NOTHING
            RETURNING update_id
            """,
            {"updates": json.dumps(list(updates)), "now": to_db_time(now)},
        )
        new = {int(row[0]) for row in rows}
        return [update_id for update_id, _, _ in updates if update_id in new]

    async def kept_updates(self) -> list[tuple[int, str]]:
        """Every update not yet handled, in the order they arrived."""
        rows = await self._fetch_all(
            "SELECT update_id, body FROM inbox WHERE body IS NOT NULL ORDER BY id", {}
        )
        return [(int(row["update_id"]), str(row["body"])) for row in rows]

    async def mark_updates_handled(self, update_ids: Sequence[int]) -> None:
        """Erase the bodies and senders of handled updates, in one statement; the ids stay a
        while."""
        await self._execute(
            """
            UPDATE inbox SET body = NULL, sender = NULL
            WHERE update_id IN (SELECT value FROM json_each(:ids))
            """,
            {"ids": json.dumps(list(update_ids))},
        )

    async def highest_update_id(self) -> int:
        """The highest update id the inbox remembers (0 for none). The sandbox numbers its
        fake server's updates above it."""
        row = await self._fetch_one("SELECT COALESCE(MAX(update_id), 0) FROM inbox", {})
        return int(row[0]) if row else 0

    async def prune_inbox(self, before: datetime) -> int:
        """Forget handled updates that arrived before ``before``; how many."""
        return await self._execute(
            "DELETE FROM inbox WHERE body IS NULL AND received_at < :before",
            {"before": to_db_time(before)},
        )
