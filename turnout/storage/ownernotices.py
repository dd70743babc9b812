"""Queries of the owners' notices (README, "Owners see the sensitive moves").

The audit log is the one source: a sweep reads the entries after the cursor (``owner_notices``,
one row: the last audit entry handled), and queues the notices of those it tells in the same
transaction as it moves the cursor on. A move is therefore told once, whether it was made by
the bot, by the command line or while the bot was down, and a sweep repeated after a crash, or
running beside another, queues nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.purposes import OwnerNotice
from turnout.storage.records import AuditEntry
from turnout.storage.rows import audit_from

#: One purpose and its (chat id, payload) for each owner.
Notices = Sequence[tuple[OwnerNotice, Sequence[tuple[int, str]]]]


@dataclass(frozen=True, slots=True)
class UntoldMoves:
    """What a sweep reads: the entries of the kinds asked for after the cursor (``after``),
    up to ``upto``; entries of other kinds up to ``upto`` are passed over."""

    after: int
    upto: int
    entries: tuple[AuditEntry, ...]

    @property
    def empty(self) -> bool:
        """Nothing new in the audit log at all: the cursor stays where it is."""
        return self.upto <= self.after


class OwnerNoticeQueries(StoreBase):
    async def untold_moves(self, kinds: Sequence[str], limit: int) -> UntoldMoves:
        """The audit entries of ``kinds`` after the cursor, the oldest ``limit`` of them."""
        row = await self._fetch_one(
            """
            SELECT last_audit_id, (SELECT COALESCE(MAX(id), 0) FROM audit_log) AS newest
            FROM owner_notices WHERE id = 1
            """,
            {},
        )
        assert row is not None, "migration 0024 writes the cursor's row"
        after, newest = int(row["last_audit_id"]), int(row["newest"])
        if newest <= after:
            return UntoldMoves(after, after, ())
        # Every entry up to ``newest`` is committed already: one writer at a time, and each
        # gives its entry the next id. Read between the two bounds, a write landing meanwhile
        # is left for the next sweep rather than passed over.
        rows = await self._fetch_all(
            """
            SELECT * FROM audit_log
            WHERE id > :after AND id <= :newest
              AND action IN (SELECT value FROM json_each(:kinds))
            ORDER BY id LIMIT :limit
            """,
            {"after": after, "newest": newest, "kinds": json.dumps(list(kinds)), "limit": limit},
        )
        entries = tuple(audit_from(row) for row in rows)
        upto = entries[-1].id if len(entries) == limit else newest
        return UntoldMoves(after, upto, entries)

    async def tell_owners(self, moves: UntoldMoves, notices: Notices, now: datetime) -> bool:
        """Queue ``notices`` and move the cursor to ``moves.upto``, in one transaction, if the
        cursor is still where ``moves`` was read; False (nothing written) if another sweep
        moved it meanwhile."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE owner_notices SET last_audit_id = :upto
                WHERE id = 1 AND last_audit_id = :after
                """,
                {"after": moves.after, "upto": moves.upto},
            )
            if cursor.rowcount == 0:
                return False
            for purpose, messages in notices:
                await insert_deliveries(db, purpose, messages, now, now, None)
        return True

    async def owner_notice_cursor(self) -> int:
        """The last audit entry the owners' sweep handled."""
        row = await self._fetch_one("SELECT last_audit_id FROM owner_notices WHERE id = 1", {})
        assert row is not None
        return int(row["last_audit_id"])

    async def alert_text(self, alert_id: int) -> str | None:
        """What an alert said, for the owners' notice of it."""
        row = await self._fetch_one("SELECT text FROM alerts WHERE id = :id", {"id": alert_id})
        return None if row is None else str(row["text"])

    async def linked_title(self, chat_id: int) -> str | None:
        """The title a chat had when last linked (it is gone from ``channels`` once unlinked)."""
        row = await self._fetch_one(
            """
            SELECT json_extract(detail, '$.title') AS title FROM audit_log
            WHERE action = 'channel:link' AND target_id = :chat_id
            ORDER BY id DESC LIMIT 1
            """,
            {"chat_id": chat_id},
        )
        title = None if row is None else row["title"]
        return title if isinstance(title, str) else None


async def forget_owner_notices(db: aiosqlite.Connection, user_id: int) -> int:
    """Within /forgetme's transaction, before the audit log is made anonymous: the owners'
    notices that name ``user_id`` (as the one who moved, or the one moved) and have gone out
    go; return how many. One still waiting is sent all the same: a thief who exports and then
    forgets the stolen account must not silence the owners' warning. The entries themselves
    stay, with a pseudonym."""
    cursor = await db.execute(
        """
        DELETE FROM deliveries
        WHERE status NOT IN ('pending', 'claimed') AND purpose IN (
            SELECT :prefix || id FROM audit_log
            WHERE actor_id = :uid OR target_id = :uid)
        """,
        {"uid": user_id, "prefix": OwnerNotice.FAMILY.prefix},
    )
    return cursor.rowcount
