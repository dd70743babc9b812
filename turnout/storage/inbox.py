"""Queries about the inbox: Telegram's updates kept from their arrival until they are handled
(migration 0020 says why the bare ids stay a day longer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time


class InboxQueries(StoreBase):
    async def keep_updates(
        self, updates: Sequence[tuple[int, int | None, str]], now: datetime
    ) -> list[int]:
        """Store ``(update_id, sender, JSON body)`` in one transaction; return the ids that were
        new. One seen before (waiting or already handled) is neither stored nor returned."""
        if not updates:
            return []
        params = {f"u{n}": update_id for n, (update_id, _, _) in enumerate(updates)}
        names = ", ".join(f":{name}" for name in params)
        async with self._transaction() as db:
            seen = {
                int(row[0])
                for row in await db.execute_fetchall(
                    f"SELECT update_id FROM inbox WHERE update_id IN ({names})",  # noqa: S608 - placeholders only
                    params,
                )
            }
            new = [(i, sender, body) for i, sender, body in updates if i not in seen]
            await db.executemany(
                """
                INSERT INTO inbox (update_id, sender, body, received_at)
                VALUES (:id, :sender, :body, :now)
                """,
                [
                    {"id": i, "sender": sender, "body": body, "now": to_db_time(now)}
                    for i, sender, body in new
                ],
            )
        return [i for i, _, _ in new]

    async def kept_updates(self) -> list[tuple[int, str]]:
        """Every update not yet handled, in the order they arrived."""
        rows = await self._fetch_all(
            "SELECT update_id, body FROM inbox WHERE body IS NOT NULL ORDER BY id", {}
        )
        return [(int(row["update_id"]), str(row["body"])) for row in rows]

    async def mark_updates_handled(self, update_ids: Sequence[int]) -> None:
        """Erase the bodies of handled updates, in one transaction; their ids stay a while."""
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE inbox SET body = NULL WHERE update_id = :id",
                [{"id": i} for i in update_ids],
            )

    async def prune_inbox(self, before: datetime) -> int:
        """Forget handled updates that arrived before ``before``; how many."""
        return await self._execute(
            "DELETE FROM inbox WHERE body IS NULL AND received_at < :before",
            {"before": to_db_time(before)},
        )
