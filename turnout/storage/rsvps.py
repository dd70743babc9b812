"""Queries about RSVPs: answering, the waitlist, counts, and who a message about an action
concerns. Seats are given out in one transaction each, so an action is never oversold."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase, parse_minutes, to_db_time
from turnout.storage.models import ActionStatus, Answer, Recipient, RsvpChange, RsvpCounts
from turnout.storage.rows import one_action


class RsvpQueries(StoreBase):
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
                return None
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


async def promote(
    db: aiosqlite.Connection, action_id: int, capacity: int | None, now: datetime
) -> tuple[int, ...]:
    """Within a transaction: fill free seats from the waitlist, longest waiting first (every
    one of them when there is no limit any more); return who moved up."""
    free = -1  # SQLite's LIMIT -1: no limit
    if capacity is not None:
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
