"""Queries about actions, RSVPs (with the waitlist) and the reminders planned for actions."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from turnout.storage.base import (
    StoreBase,
    from_db_time,
    join_minutes,
    parse_minutes,
    to_db_time,
    write_audit,
)
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import (
    Action,
    ActionStatus,
    Answer,
    DueReminder,
    NewAction,
    Recipient,
    RsvpChange,
    RsvpCounts,
)

_EDITABLE = frozenset(
    {
        "title",
        "description",
        "place",
        "latitude",
        "longitude",
        "capacity",
        "reminder_minutes",
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
        self, action_id: int, changes: dict[str, Any], actor_id: int, now: datetime
    ) -> Action | None:
        """Change fields that do not move the action in time; audited. None if unknown or no
        longer planned (cancelled meanwhile)."""
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise ValueError(f"not editable this way: {sorted(unknown)}")
        values = dict(changes)
        if "reminder_minutes" in values:
            values["reminder_minutes"] = join_minutes(values["reminder_minutes"])
        # Column names come from the fixed _EDITABLE set above, never from input.
        assignments = ", ".join(f"{name} = :{name}" for name in sorted(values))
        async with self._transaction() as db:
            cursor = await db.execute(
                f"UPDATE actions SET {assignments}, updated_at = :now "  # noqa: S608
                "WHERE id = :id AND status = 'planned'",
                {**values, "id": action_id, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return None
            await write_audit(
                db,
                now,
                actor_id,
                "action:edit",
                None,
                {"action": action_id, "fields": sorted(values)},
            )
            return await one_action(db, action_id)

    async def move_action(
        self,
        action_id: int,
        starts_at: datetime | None,
        reminders: Callable[[Action], Sequence[tuple[int, datetime]]],
        actor_id: int,
        now: datetime,
    ) -> Action | None:
        """Give the action a new time (None: keep it, re-plan only): a new revision, its old
        reminders skipped, new ones planned, and queued reminders of the old time skipped too.

        ``reminders`` plans from the action as stored, read in the same transaction, so two
        organisers changing the time and the reminders at once cannot undo each other."""
        new_time = None if starts_at is None else to_db_time(starts_at)
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE actions SET starts_at = COALESCE(:starts_at, starts_at),
                                   revision = revision + 1, updated_at = :now
                WHERE id = :id AND status = 'planned'
                """,
                {"id": action_id, "starts_at": new_time, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return None
            action = await one_action(db, action_id)
            assert action is not None
            await _drop_reminders(db, action_id, now)
            await _plan(db, action_id, action.revision, reminders(action))
            await write_audit(
                db, now, actor_id, "action:move", None,
                {"action": action_id, "starts_at": to_db_time(action.starts_at)},
            )  # fmt: skip
        return action

    async def cancel_action(self, action_id: int, actor_id: int, now: datetime) -> Action | None:
        """Cancel: no reminder of it goes out any more. None if unknown or not planned."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE actions SET status = 'cancelled', updated_at = :now
                WHERE id = :id AND status = 'planned'
                """,
                {"id": action_id, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return None
            await _drop_reminders(db, action_id, now)
            await write_audit(db, now, actor_id, "action:cancel", None, {"action": action_id})
            return await one_action(db, action_id)

    # -- RSVPs -----------------------------------------------------------------------------

    async def answer_rsvp(
        self, action_id: int, user_id: int, answer: Answer, now: datetime
    ) -> RsvpChange | None:
        """Record an answer. "Going" to a full action joins the waitlist; a seat given up is
        taken by the longest-waiting member. One transaction, so seats are never oversold.

        None when the action is no longer open for answers (cancelled or started), checked in
        the same transaction: a cancellation a moment before must not gain a "going"."""
        async with self._transaction() as db:
            action = await one_action(db, action_id)
            if action is None:
                raise ValueError(f"no action {action_id}")
            if action.status is not ActionStatus.PLANNED or action.starts_at <= now:
                return None
            previous = await _answer_of(db, action_id, user_id)
            given = answer
            if answer is Answer.GOING and previous is not Answer.GOING:
                going = await _count(db, action_id, Answer.GOING)
                if action.capacity is not None and going >= action.capacity:
                    given = Answer.WAITLISTED
            if given is previous:
                return RsvpChange(given, ())
            if given is Answer.WAITLISTED and previous is Answer.WAITLISTED:
                return RsvpChange(given, ())
            await db.execute(
                """
                INSERT INTO rsvps (action_id, user_id, answer, answered_at)
                VALUES (:action_id, :user_id, :answer, :now)
                ON CONFLICT (action_id, user_id)
                DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at
                """,
                {
                    "action_id": action_id,
                    "user_id": user_id,
                    "answer": given,
                    "now": to_db_time(now),
                },
            )
            promoted: tuple[int, ...] = ()
            if previous is Answer.GOING and action.capacity is not None:
                promoted = await promote(db, action_id, action.capacity, now)
        return RsvpChange(given, promoted)

    async def fill_from_waitlist(self, action_id: int, now: datetime) -> tuple[int, ...]:
        """After the capacity grew (or went away): move waiting members up; return who."""
        async with self._transaction() as db:
            action = await one_action(db, action_id)
            if action is None or action.status is not ActionStatus.PLANNED:
                return ()  # a cancelled action promotes nobody
            if action.capacity is None:
                cursor = await db.execute(
                    """
                    UPDATE rsvps SET answer = 'going', answered_at = :now
                    WHERE action_id = :id AND answer = 'waitlisted'
                    RETURNING user_id
                    """,
                    {"id": action_id, "now": to_db_time(now)},
                )
                return tuple(row["user_id"] for row in await cursor.fetchall())
            return await promote(db, action_id, action.capacity, now)

    async def rsvp_of(self, action_id: int, user_id: int) -> Answer | None:
        row = await self._fetch_one(
            "SELECT answer FROM rsvps WHERE action_id = :action_id AND user_id = :user_id",
            {"action_id": action_id, "user_id": user_id},
        )
        return None if row is None else Answer(row["answer"])

    async def rsvp_counts(self, action_id: int) -> RsvpCounts:
        rows = await self._fetch_all(
            "SELECT answer, COUNT(*) AS n FROM rsvps WHERE action_id = :id GROUP BY answer",
            {"id": action_id},
        )
        return RsvpCounts(**{row["answer"]: row["n"] for row in rows})

    async def rsvp_recipients(self, action_id: int) -> list[Recipient]:
        """Everyone a change to the action concerns: going, maybe or waitlisted, reachable."""
        rows = await self._fetch_all(
            """
            SELECT members.user_id, members.language, members.timezone
            FROM rsvps JOIN members USING (user_id)
            WHERE rsvps.action_id = :id AND rsvps.answer IN ('going', 'maybe', 'waitlisted')
              AND members.reachable = 1
            ORDER BY rsvps.answered_at
            """,
            {"id": action_id},
        )
        return [Recipient(row["user_id"], row["language"], row["timezone"]) for row in rows]

    async def reminder_recipients(self, action_id: int, offset_minutes: int) -> list[Recipient]:
        """Going or maybe, reachable, and wanting this reminder."""
        rows = await self._fetch_all(
            """
            SELECT members.user_id, members.language, members.timezone, members.reminder_minutes
            FROM rsvps JOIN members USING (user_id)
            WHERE rsvps.action_id = :id AND rsvps.answer IN ('going', 'maybe')
              AND members.reachable = 1
            ORDER BY rsvps.answered_at
            """,
            {"id": action_id},
        )
        wanted = []
        for row in rows:
            chosen = parse_minutes(row["reminder_minutes"])
            if chosen is None or offset_minutes in chosen:
                wanted.append(Recipient(row["user_id"], row["language"], row["timezone"]))
        return wanted

    # -- reminders -------------------------------------------------------------------------

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
        action_id: int,
        revision: int,
        offset_minutes: int,
        purpose: str,
        messages: Sequence[tuple[int, str]],
        now: datetime,
        *,
        expires_at: datetime,
    ) -> int:
        """Hand a due reminder to the outbox and mark it enqueued, in one transaction, only if
        it is still planned for the action's current time; return the rows queued."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE reminders SET status = 'enqueued'
                WHERE action_id = :action_id AND revision = :revision
                  AND offset_minutes = :offset_minutes AND status = 'planned'
                  AND revision = (SELECT revision FROM actions WHERE id = :action_id)
                """,
                {"action_id": action_id, "revision": revision, "offset_minutes": offset_minutes},
            )
            if cursor.rowcount == 0:
                return 0
            return await insert_deliveries(db, purpose, messages, now, now, expires_at)

    async def next_reminder_due(self) -> datetime | None:
        row = await self._fetch_one(
            "SELECT MIN(due_at) AS due_at FROM reminders WHERE status = 'planned'", {}
        )
        return None if row is None or row["due_at"] is None else from_db_time(row["due_at"])

    async def settle_reminder(
        self, action_id: int, revision: int, offset_minutes: int, enqueued: bool
    ) -> None:
        """Record that a due reminder was handed to the outbox, or skipped."""
        await self._execute(
            """
            UPDATE reminders SET status = :status
            WHERE action_id = :action_id AND revision = :revision
              AND offset_minutes = :offset_minutes AND status = 'planned'
            """,
            {
                "status": "enqueued" if enqueued else "skipped",
                "action_id": action_id,
                "revision": revision,
                "offset_minutes": offset_minutes,
            },
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

    # -- change notices --------------------------------------------------------------------

    async def plan_notice(self, action_id: int, changes: set[str], due_at: datetime) -> None:
        """Plan a change notice, or merge into the one still waiting (and move it to ``due_at``:
        edits close together make one notice)."""
        async with self._transaction() as db:
            async with db.execute(
                """
                SELECT id, changes FROM action_notices
                WHERE action_id = :action_id AND status = 'planned'
                """,
                {"action_id": action_id},
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                await db.execute(
                    """
                    INSERT INTO action_notices (action_id, due_at, changes)
                    VALUES (:action_id, :due_at, :changes)
                    """,
                    {
                        "action_id": action_id,
                        "due_at": to_db_time(due_at),
                        "changes": ",".join(sorted(changes)),
                    },
                )
            else:
                merged = set(row["changes"].split(",")) | changes
                await db.execute(
                    """
                    UPDATE action_notices SET due_at = :due_at, changes = :changes
                    WHERE id = :id
                    """,
                    {
                        "id": row["id"],
                        "due_at": to_db_time(due_at),
                        "changes": ",".join(sorted(merged)),
                    },
                )

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

    async def settle_notice(self, notice_id: int) -> None:
        await self._execute(
            "UPDATE action_notices SET status = 'enqueued' WHERE id = :id", {"id": notice_id}
        )

    async def next_planned_due(self) -> datetime | None:
        """The next moment the planner has work: a reminder, a change notice, a call."""
        row = await self._fetch_one(
            """
            SELECT MIN(due_at) AS due_at FROM (
                SELECT due_at FROM reminders WHERE status = 'planned'
                UNION ALL
                SELECT due_at FROM action_notices WHERE status = 'planned'
                UNION ALL
                SELECT publish_at FROM calls WHERE status = 'scheduled'
            )
            """,
            {},
        )
        return None if row is None or row["due_at"] is None else from_db_time(row["due_at"])


def notice_purpose(notice_id: int) -> str:
    return f"notice:{notice_id}"


def reminder_purpose(action_id: int, revision: int, offset_minutes: int) -> str:
    """The outbox purpose of one reminder: unique per action, time revision and offset."""
    return f"reminder:{action_id}:r{revision}:{offset_minutes}m"


async def insert_action(
    db: aiosqlite.Connection,
    new: NewAction,
    created_by: int,
    reminders: Sequence[tuple[int, datetime]],
    now: datetime,
) -> int:
    """The action, its reminders, its host's role and the audit entry; returns the id."""
    cursor = await db.execute(
        """
        INSERT INTO actions (title, description, starts_at, timezone, place, latitude,
                             longitude, capacity, reminder_minutes, city_id, city, country,
                             host_id, campaign_id, created_by, created_at, updated_at)
        VALUES (:title, :description, :starts_at, :timezone, :place, :latitude,
                :longitude, :capacity, :reminder_minutes, :city_id, :city, :country,
                :host_id, :campaign_id, :created_by, :now, :now)
        """,
        {
            "title": new.title,
            "description": new.description,
            "starts_at": to_db_time(new.starts_at),
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
    await _plan(db, action_id, 1, reminders)
    if new.host_id is not None:
        await db.execute(
            """
            INSERT INTO roles (user_id, role, granted_by, granted_at)
            VALUES (:user_id, 'host', :by, :now)
            ON CONFLICT (user_id, role) DO NOTHING
            """,
            {"user_id": new.host_id, "by": created_by, "now": to_db_time(now)},
        )
    await write_audit(db, now, created_by, "action:create", new.host_id, {"action": action_id})
    return action_id


async def _plan(
    db: aiosqlite.Connection,
    action_id: int,
    revision: int,
    reminders: Sequence[tuple[int, datetime]],
) -> None:
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


async def _drop_reminders(db: aiosqlite.Connection, action_id: int, now: datetime) -> None:
    """Skip the action's planned reminders and any of them still waiting in the outbox."""
    await db.execute(
        "UPDATE reminders SET status = 'skipped' WHERE action_id = :id AND status = 'planned'",
        {"id": action_id},
    )
    await db.execute(
        """
        UPDATE deliveries SET status = 'skipped', last_error = 'the action changed',
                              updated_at = :now
        WHERE status = 'pending' AND purpose LIKE :prefix
        """,
        {"prefix": f"reminder:{action_id}:%", "now": to_db_time(now)},
    )


async def one_action(db: aiosqlite.Connection, action_id: int) -> Action | None:
    async with db.execute("SELECT * FROM actions WHERE id = :id", {"id": action_id}) as cursor:
        row = await cursor.fetchone()
    return None if row is None else action_from(row)


async def _answer_of(db: aiosqlite.Connection, action_id: int, user_id: int) -> Answer | None:
    async with db.execute(
        "SELECT answer FROM rsvps WHERE action_id = :action_id AND user_id = :user_id",
        {"action_id": action_id, "user_id": user_id},
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else Answer(row["answer"])


async def _count(db: aiosqlite.Connection, action_id: int, answer: Answer) -> int:
    async with db.execute(
        "SELECT COUNT(*) FROM rsvps WHERE action_id = :action_id AND answer = :answer",
        {"action_id": action_id, "answer": answer},
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def promote(
    db: aiosqlite.Connection, action_id: int, capacity: int, now: datetime
) -> tuple[int, ...]:
    """Fill free seats from the waitlist, longest waiting first; return who moved up."""
    free = capacity - await _count(db, action_id, Answer.GOING)
    if free <= 0:
        return ()
    async with db.execute(
        """
        UPDATE rsvps SET answer = 'going', answered_at = :now
        WHERE action_id = :action_id AND user_id IN (
            SELECT user_id FROM rsvps WHERE action_id = :action_id AND answer = 'waitlisted'
            ORDER BY answered_at, rowid LIMIT :free
        )
        RETURNING user_id
        """,
        {"action_id": action_id, "free": free, "now": to_db_time(now)},
    ) as cursor:
        rows = await cursor.fetchall()
    return tuple(row["user_id"] for row in rows)


def action_from(row: sqlite3.Row) -> Action:
    return Action(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        starts_at=from_db_time(row["starts_at"]),
        timezone=row["timezone"],
        place=row["place"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        capacity=row["capacity"],
        reminder_minutes=parse_minutes(row["reminder_minutes"]) or (),
        status=ActionStatus(row["status"]),
        revision=row["revision"],
        created_by=row["created_by"],
        city_id=row["city_id"],
        city=row["city"],
        country=row["country"],
        host_id=row["host_id"],
        campaign_id=row["campaign_id"],
    )
