"""Queries about the reminders planned for actions: planning them, what is due, and handing a
due reminder to the outbox exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase, from_db_time, rows_changed, to_db_time
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import DueReminder
from turnout.storage.purposes import Reminder
from turnout.storage.rows import action_from


class ReminderQueries(StoreBase):
    async def due_reminders(self, now: datetime) -> list[DueReminder]:
        """Planned reminders whose time has come, with their action, oldest first."""
        rows = await self._fetch_all(
            """
            SELECT reminders.revision AS r_revision, reminders.offset_minutes, reminders.due_at
                   AS r_due_at, actions.*
            FROM reminders JOIN actions ON actions.id = reminders.action_id
            WHERE reminders.status = 'planned' AND reminders.due_at <= :now
            ORDER BY reminders.due_at, actions.id
            """,
            {"now": to_db_time(now)},
        )
        return [
            DueReminder(
                action=action_from(row),
                revision=row["r_revision"],
                offset_minutes=row["offset_minutes"],
                due_at=from_db_time(row["r_due_at"]),
            )
            for row in rows
        ]

    async def enqueue_reminder(
        self,
        purpose: Reminder,
        messages: Sequence[tuple[int, str]],
        now: datetime,
        *,
        expires_at: datetime,
    ) -> int:
        """Hand a due reminder to the outbox and mark it enqueued, in one transaction, only if
        it is still planned for the action's current time; return the rows queued."""
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                """
                UPDATE reminders SET status = 'enqueued'
                WHERE action_id = :action_id AND revision = :revision
                  AND offset_minutes = :offset_minutes AND status = 'planned'
                  AND revision = (SELECT revision FROM actions WHERE id = :action_id)
                """,
                {
                    "action_id": purpose.action,
                    "revision": purpose.revision,
                    "offset_minutes": purpose.minutes,
                },
            ):
                return 0
            return await insert_deliveries(db, purpose, messages, now, now, expires_at)

    async def next_reminder_due(self) -> datetime | None:
        row = await self._fetch_one(
            "SELECT MIN(due_at) AS due_at FROM reminders WHERE status = 'planned'", {}
        )
        return None if row is None or row["due_at"] is None else from_db_time(row["due_at"])

    async def skip_reminder(self, action_id: int, revision: int, offset_minutes: int) -> None:
        """A due reminder that is not sent (its action started, or a later one went instead)."""
        await self._execute(
            """
            UPDATE reminders SET status = 'skipped'
            WHERE action_id = :action_id AND revision = :revision
              AND offset_minutes = :offset_minutes AND status = 'planned'
            """,
            {"action_id": action_id, "revision": revision, "offset_minutes": offset_minutes},
        )

    async def reminders_of(self, action_id: int) -> list[tuple[int, int, datetime, str]]:
        """(revision, minutes before, due at, status) of every reminder of an action."""
        rows = await self._fetch_all(
            "SELECT * FROM reminders WHERE action_id = :id ORDER BY revision, due_at",
            {"id": action_id},
        )
        return [
            (row["revision"], row["offset_minutes"], from_db_time(row["due_at"]), row["status"])
            for row in rows
        ]


async def plan_reminder_rows(
    db: aiosqlite.Connection,
    action_id: int,
    revision: int,
    reminders: Sequence[tuple[int, datetime]],
) -> None:
    """Within a transaction: the reminders of one revision of an action, (minutes before, due
    at) each."""
    await db.executemany(
        """
        INSERT INTO reminders (action_id, revision, offset_minutes, due_at)
        VALUES (:action_id, :revision, :offset_minutes, :due_at)
        """,
        [
            {
                "action_id": action_id,
                "revision": revision,
                "offset_minutes": minutes,
                "due_at": to_db_time(due_at),
            }
            for minutes, due_at in reminders
        ],
    )


async def drop_reminders(db: aiosqlite.Connection, action_id: int, now: datetime) -> None:
    """Within a transaction: skip the action's planned reminders and any of them still waiting
    in the outbox."""
    await db.execute(
        "UPDATE reminders SET status = 'skipped' WHERE action_id = :id AND status = 'planned'",
        {"id": action_id},
    )
    await db.execute(
        r"""
        UPDATE deliveries SET status = 'skipped', last_error = 'the action changed',
                              updated_at = :now
        WHERE status = 'pending' AND purpose LIKE :family ESCAPE '\'
        """,
        {"family": Reminder.of_action(action_id).like, "now": to_db_time(now)},
    )
