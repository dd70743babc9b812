"""Queries about actions themselves: creating, reading, editing, moving and cancelling them.

Their RSVPs are in ``rsvps``, their reminders in ``reminders`` and their change notices in
``notices``; moving or cancelling an action re-plans its reminders in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from turnout.storage.base import (
    StoreBase,
    join_minutes,
    move_status,
    rows_changed,
    to_db_time,
    write_audit,
)
from turnout.storage.models import Action, NewAction
from turnout.storage.notices import merge_notice
from turnout.storage.reminders import drop_reminders, plan_reminder_rows
from turnout.storage.roles import insert_host_role
from turnout.storage.rows import action_from, one_action
from turnout.storage.rsvps import promote

#: The columns ``edit_action`` may change: those that neither move the action in time nor
#: free seats (``reschedule_action`` and ``set_capacity`` change those).
EDITABLE = frozenset(
    {
        "title",
        "description",
        "place",
        "latitude",
        "longitude",
        "campaign_id",
    }
)


class ActionQueries(StoreBase):
    async def create_action(
        self,
        new: NewAction,
        created_by: int,
        reminders: Sequence[tuple[int, datetime]],
        now: datetime,
    ) -> Action:
        """Store an action with its planned reminders ((minutes before, due at)); audited."""
        async with self._transaction() as db:
            action_id = await insert_action(db, new, created_by, reminders, now)
            action = await one_action(db, action_id)
        assert action is not None
        return action

    async def action(self, action_id: int) -> Action | None:
        row = await self._fetch_one("SELECT * FROM actions WHERE id = :id", {"id": action_id})
        return None if row is None else action_from(row)

    async def upcoming_actions(self, now: datetime, limit: int, offset: int = 0) -> list[Action]:
        """Planned actions that have not started, soonest first."""
        rows = await self._fetch_all(
            """
            SELECT * FROM actions
            WHERE status = 'planned' AND starts_at > :now
            ORDER BY starts_at, id
            LIMIT :limit OFFSET :offset
            """,
            {"now": to_db_time(now), "limit": limit, "offset": offset},
        )
        return [action_from(row) for row in rows]

    async def reportable_actions(self, since: datetime, limit: int = 10) -> list[Action]:
        """Actions a report can be about: not cancelled, starting after ``since`` (upcoming,
        or ended recently), the most recent first."""
        rows = await self._fetch_all(
            """
            SELECT * FROM actions
            WHERE status != 'cancelled' AND starts_at > :since
            ORDER BY starts_at DESC, id DESC
            LIMIT :limit
            """,
            {"since": to_db_time(since), "limit": limit},
        )
        return [action_from(row) for row in rows]

    async def count_upcoming_actions(self, now: datetime) -> int:
        row = await self._fetch_one(
            "SELECT COUNT(*) FROM actions WHERE status = 'planned' AND starts_at > :now",
            {"now": to_db_time(now)},
        )
        return int(row[0]) if row else 0

    async def edit_action(
        self,
        action_id: int,
        changes: dict[str, Any],
        actor_id: int,
        now: datetime,
        *,
        notice_due: datetime | None = None,
    ) -> Action | None:
        """Change fields that do not move the action in time; audited. With ``notice_due``, the
        place changed: a change notice is planned (or merged into the one waiting) in the same
        transaction. None if unknown or no longer planned (cancelled meanwhile)."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"not editable this way: {sorted(unknown)}")
        # Column names come from the fixed EDITABLE set above, never from input.
        assignments = ", ".join(
            [*(f"{name} = :{name}" for name in sorted(changes)), "updated_at = :now"]
        )
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                f"UPDATE actions SET {assignments} "  # noqa: S608
                "WHERE id = :id AND status = 'planned'",
                {**changes, "id": action_id, "now": to_db_time(now)},
            ):
                return None
            if notice_due is not None:
                await merge_notice(db, action_id, {"place"}, notice_due)
            await write_audit(
                db, now, actor_id, "action:edit", None,
                {"action": action_id, "fields": sorted(changes)},
            )  # fmt: skip
            return await one_action(db, action_id)

    async def set_capacity(
        self, action_id: int, capacity: int | None, actor_id: int, now: datetime
    ) -> tuple[Action, tuple[int, ...]] | None:
        """A new capacity (None: no limit), and the waitlist moved up into the seats it frees,
        in one transaction; audited. Returns the action and who moved up; None if unknown or no
        longer planned."""
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                """
                UPDATE actions SET capacity = :capacity, updated_at = :now
                WHERE id = :id AND status = 'planned'
                """,
                {"id": action_id, "capacity": capacity, "now": to_db_time(now)},
            ):
                return None
            promoted = await promote(db, action_id, capacity, now)
            await write_audit(
                db, now, actor_id, "action:edit", None,
                {"action": action_id, "fields": ["capacity"], "promoted": len(promoted)},
            )  # fmt: skip
            action = await one_action(db, action_id)
        assert action is not None
        return action, promoted

    async def reschedule_action(
        self,
        action_id: int,
        reminders: Callable[[Action], Sequence[tuple[int, datetime]]],
        actor_id: int,
        now: datetime,
        *,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        reminder_minutes: tuple[int, ...] | None = None,
        notice_due: datetime | None = None,
    ) -> Action | None:
        """A new start, a new end, or new reminder offsets (None: keep it): a new revision,
        its old reminders skipped (queued ones too), new ones planned, and with ``notice_due``
        a change notice of the time, all in one transaction; audited. A new start alone keeps
        the duration: the end moves with it. None if unknown, no longer planned, or if the end
        would not come after the start (a start moved meanwhile).

        ``reminders`` plans from the action as stored, read in the same transaction, so two
        organisers changing the time and the reminders at once cannot undo each other."""
        async with self._transaction() as db:
            before = await one_action(db, action_id)
            # SQLite reads every column on the right as it was before the UPDATE: the end
            # moves by the old duration.
            if not await rows_changed(
                db,
                """
                UPDATE actions SET
                    starts_at = COALESCE(:starts_at, starts_at),
                    ends_at = CASE
                        WHEN :ends_at IS NOT NULL THEN :ends_at
                        WHEN :starts_at IS NOT NULL THEN datetime(:starts_at, '+' || (
                            strftime('%s', COALESCE(ends_at, datetime(starts_at, '+2 hours')))
                            - strftime('%s', starts_at)) || ' seconds')
                        ELSE ends_at END,
                    reminder_minutes = CASE WHEN :keep THEN reminder_minutes ELSE :minutes END,
                    revision = revision + 1, updated_at = :now
                WHERE id = :id AND status = 'planned'
                  AND (:ends_at IS NULL OR :ends_at > COALESCE(:starts_at, starts_at))
                """,
                {
                    "id": action_id,
                    "starts_at": None if starts_at is None else to_db_time(starts_at),
                    "ends_at": None if ends_at is None else to_db_time(ends_at),
                    "keep": reminder_minutes is None,
                    "minutes": join_minutes(reminder_minutes),
                    "now": to_db_time(now),
                },
            ):
                return None
            action = await one_action(db, action_id)
            assert action is not None and before is not None
            if starts_at is not None or ends_at is not None:
                action = await _day_moved(db, before, action, now)
            await drop_reminders(db, action_id, now)
            await plan_reminder_rows(db, action_id, action.revision, reminders(action))
            if notice_due is not None:
                await merge_notice(db, action_id, {"time"}, notice_due)
            await write_audit(
                db, now, actor_id, "action:move", None,
                {"action": action_id, "starts_at": to_db_time(action.starts_at),
                 "ends_at": to_db_time(action.end)},
            )  # fmt: skip
        return action

    async def cancel_action(self, action_id: int, actor_id: int, now: datetime) -> Action | None:
        """Cancel: no reminder of it goes out any more, and everyone who answered is told (the
        notice is due at once), in one transaction. None if unknown or not planned."""
        async with self._transaction() as db:
            if not await move_status(db, "actions", action_id, "planned", "cancelled", now):
                return None
            await drop_reminders(db, action_id, now)
            await merge_notice(db, action_id, {"cancelled"}, now)
            await write_audit(db, now, actor_id, "action:cancel", None, {"action": action_id})
            return await one_action(db, action_id)


async def _day_moved(
    db: aiosqlite.Connection, before: Action, after: Action, now: datetime
) -> Action:
    """A new start or end: check-ins of an earlier occasion (the action moved past its old
    end) are not of this one; and while the new end is ahead, the safety check and the thank-you
    are still to come (asked anew: their outbox purposes carry the revision)."""
    if after.starts_at >= before.end:
        await db.execute("DELETE FROM checkins WHERE action_id = :id", {"id": after.id})
    if after.end > now and (after.safety_round or after.photos_asked):
        await db.execute(
            "UPDATE actions SET safety_round = 0, photos_asked = 0 WHERE id = :id",
            {"id": after.id},
        )
        found = await one_action(db, after.id)
        assert found is not None
        return found
    return after


async def insert_action(
    db: aiosqlite.Connection,
    new: NewAction,
    created_by: int,
    reminders: Sequence[tuple[int, datetime]],
    now: datetime,
) -> int:
    """Within a transaction: the action, its reminders, its host's role and the audit entry;
    returns the id."""
    cursor = await db.execute(
        """
        INSERT INTO actions (title, description, starts_at, ends_at, timezone, place,
                             latitude, longitude, capacity, reminder_minutes, city_id, city,
                             country, host_id, campaign_id, created_by, created_at, updated_at)
        VALUES (:title, :description, :starts_at, :ends_at, :timezone, :place,
                :latitude, :longitude, :capacity, :reminder_minutes, :city_id, :city,
                :country, :host_id, :campaign_id, :created_by, :now, :now)
        """,
        {
            "title": new.title,
            "description": new.description,
            "starts_at": to_db_time(new.starts_at),
            "ends_at": to_db_time(new.end),
            "timezone": new.timezone,
            "place": new.place,
            "latitude": new.latitude,
            "longitude": new.longitude,
            "capacity": new.capacity,
            "reminder_minutes": join_minutes(new.reminder_minutes),
            "city_id": new.city_id,
            "city": new.city,
            "country": new.country,
            "host_id": new.host_id,
            "campaign_id": new.campaign_id,
            "created_by": created_by,
            "now": to_db_time(now),
        },
    )
    action_id = cursor.lastrowid
    assert action_id is not None
    await plan_reminder_rows(db, action_id, 1, reminders)
    if new.host_id is not None:
        await insert_host_role(db, new.host_id, created_by, now)
    await write_audit(db, now, created_by, "action:create", new.host_id, {"action": action_id})
    return action_id
