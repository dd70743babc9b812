"""Queries about linked channels and groups."""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, rows_changed, to_db_time, write_audit
from turnout.storage.models import Channel
from turnout.storage.rows import channel_from


class ChannelQueries(StoreBase):
    async def link_channel(
        self, chat_id: int, title: str, username: str | None, kind: str, by: int, now: datetime
    ) -> Channel:
        """Link (or relink) a chat; audited."""
        params = {
            "chat_id": chat_id,
            "title": title,
            "username": username,
            "kind": kind,
            "by": by,
            "now": to_db_time(now),
        }
        async with self._transaction() as db:
            await db.execute(
                """
                INSERT INTO channels (chat_id, title, username, kind, linked_by, linked_at,
                                      updated_at)
                VALUES (:chat_id, :title, :username, :kind, :by, :now, :now)
                ON CONFLICT (chat_id) DO UPDATE SET
                    title = excluded.title, username = excluded.username, kind = excluded.kind,
                    linked_by = excluded.linked_by, linked_at = excluded.linked_at,
                    can_post = 1, updated_at = excluded.updated_at
                """,
                params,
            )
            await write_audit(db, now, by, "channel:link", chat_id, {"title": title})
            async with db.execute(
                "SELECT * FROM channels WHERE chat_id = :chat_id", params
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return channel_from(row)

    async def unlink_channel(self, chat_id: int, by: int, now: datetime) -> bool:
        async with self._transaction() as db:
            if not await rows_changed(
                db, "DELETE FROM channels WHERE chat_id = :chat_id", {"chat_id": chat_id}
            ):
                return False
            await write_audit(db, now, by, "channel:unlink", chat_id, {})
        return True

    async def channel(self, chat_id: int) -> Channel | None:
        row = await self._fetch_one(
            "SELECT * FROM channels WHERE chat_id = :chat_id", {"chat_id": chat_id}
        )
        return None if row is None else channel_from(row)

    async def channels(self) -> list[Channel]:
        rows = await self._fetch_all("SELECT * FROM channels ORDER BY title COLLATE NOCASE", {})
        return [channel_from(row) for row in rows]

    async def channel_lost(self, chat_id: int, now: datetime) -> Channel | None:
        """The bot can no longer post there: mark it, and return the channel only the first
        time (so its admins are told once)."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE channels SET can_post = 0, updated_at = :now
                WHERE chat_id = :chat_id AND can_post = 1
                RETURNING *
                """,
                {"chat_id": chat_id, "now": to_db_time(now)},
            )
            row = await cursor.fetchone()
        return None if row is None else channel_from(row)
