"""Queries about change notices: what members who answered are told after an action changed.

Edits close together merge into one notice, which waits a moment for further corrections; a
cancellation is due at once.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase, to_db_time
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import Action
from turnout.storage.purposes import ChangeNotice
from turnout.storage.rows import action_from, one_action

#: What a notice can be about.
NOTICE_CHANGES = frozenset({"time", "place", "cancelled"})


class NoticeQueries(StoreBase):
    async def plan_notice(self, action_id: int, changes: set[str], due_at: datetime) -> None:
        """Plan a change notice, or merge into the one still waiting (and move it to ``due_at``:
        edits close together make one notice)."""
        async with self._transaction() as db:
            await merge_notice(db, action_id, changes, due_at)

    async def due_notices(self, now: datetime) -> list[tuple[int, Action, frozenset[str]]]:
        """(notice id, action, what changed) of the notices due now."""
        rows = await self._fetch_all(
            """
            SELECT action_notices.id AS notice_id, action_notices.changes, actions.*
            FROM action_notices JOIN actions ON actions.id = action_notices.action_id
            WHERE action_notices.status = 'planned' AND action_notices.due_at <= :now
            ORDER BY action_notices.due_at
            """,
            {"now": to_db_time(now)},
        )
        return [
            (row["notice_id"], action_from(row), frozenset(row["changes"].split(",")))
            for row in rows
        ]

    async def enqueue_notice(
        self,
        notice_id: int,
        told: tuple[Action, frozenset[str]],
        messages: list[tuple[int, str]],
        now: datetime,
    ) -> int:
        """Hand a due notice to the outbox and mark it enqueued, in one transaction: a crash
        between the two neither loses nor repeats it. Returns the rows queued.

        ``told`` is the action and the changes the messages were written from. If either
        changed since (another edit merged into the notice while they were written), nothing is
        queued and the notice stays planned: the next pass tells the newest state."""
        action, changes = told
        async with self._transaction() as db:
            async with db.execute(
                "SELECT changes FROM action_notices WHERE id = :id AND status = 'planned'",
                {"id": notice_id},
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or frozenset(row["changes"].split(",")) != changes:
                return 0
            if await one_action(db, action.id) != action:
                return 0
            await db.execute(
                "UPDATE action_notices SET status = 'enqueued' WHERE id = :id", {"id": notice_id}
            )
            return await insert_deliveries(db, ChangeNotice(notice_id), messages, now, now, None)


async def merge_notice(
    db: aiosqlite.Connection, action_id: int, changes: set[str], due_at: datetime
) -> None:
    """Within a transaction: plan a change notice, or merge ``changes`` into the one still
    waiting and move it to ``due_at``."""
    if not changes <= NOTICE_CHANGES:
        raise ValueError(f"not a change a notice tells: {sorted(changes - NOTICE_CHANGES)}")
    async with db.execute(
        """
        SELECT id, changes FROM action_notices
        WHERE action_id = :action_id AND status = 'planned'
        """,
        {"action_id": action_id},
    ) as cursor:
        row = await cursor.fetchone()
    merged = changes if row is None else set(row["changes"].split(",")) | changes
    await db.execute(
        """
        INSERT INTO action_notices (id, action_id, due_at, changes)
        VALUES (:id, :action_id, :due_at, :changes)
        ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, changes = excluded.changes
        """,
        {
            "id": None if row is None else row["id"],
            "action_id": action_id,
            "due_at": to_db_time(due_at),
            "changes": ",".join(sorted(merged)),
        },
    )
