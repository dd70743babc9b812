"""Queries of the day of an action: check-ins, attendance, the safety answers counted, and the
cards organisers keep open on an action under way (README, "Action day")."""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time
from turnout.storage.models import Attendance, Checkin, SafetyCounts
from turnout.storage.rows import build


class CheckinQueries(StoreBase):
    async def check_in(
        self, action_id: int, user_id: int, now: datetime, *, confirmed: bool = False
    ) -> Checkin | None:
        """Check a member in: only one who is going to the action, while it is planned. A
        second check-in keeps the first time; a confirmation (a location nearby) stays once
        given. None when they may not check in (not going, or the action was cancelled)."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                INSERT INTO checkins (action_id, user_id, checked_in_at, confirmed)
                SELECT :action, :user, :now, :confirmed
                FROM rsvps JOIN actions ON actions.id = rsvps.action_id
                WHERE rsvps.action_id = :action AND rsvps.user_id = :user
                  AND rsvps.answer = 'going' AND actions.status = 'planned'
                ON CONFLICT (action_id, user_id)
                DO UPDATE SET confirmed = MAX(confirmed, excluded.confirmed)
                RETURNING *
                """,
                {"action": action_id, "user": user_id, "now": to_db_time(now),
                 "confirmed": int(confirmed)},
            )  # fmt: skip
            row = await cursor.fetchone()
        return None if row is None else build(Checkin, row)

    async def checkin_of(self, action_id: int, user_id: int) -> Checkin | None:
        row = await self._fetch_one(
            "SELECT * FROM checkins WHERE action_id = :action AND user_id = :user",
            {"action": action_id, "user": user_id},
        )
        return None if row is None else build(Checkin, row)

    async def attendance(self, action_id: int) -> Attendance:
        """Going (a member going who checked in, then left the list, still counts as here)."""
        row = await self._fetch_one(
            """
            SELECT
                (SELECT COUNT(*) FROM rsvps
                 WHERE action_id = :action AND answer = 'going') AS going,
                (SELECT COUNT(*) FROM checkins WHERE action_id = :action) AS here,
                (SELECT COUNT(*) FROM checkins
                 WHERE action_id = :action AND confirmed = 1) AS confirmed
            """,
            {"action": action_id},
        )
        assert row is not None
        return Attendance(int(row["going"]), int(row["here"]), int(row["confirmed"]))

    async def safety_counts(self, action_id: int) -> SafetyCounts:
        """The safety check's answers among those checked in, counted."""
        row = await self._fetch_one(
            """
            SELECT COALESCE(SUM(safety = 'safe'), 0) AS safe,
                   COALESCE(SUM(safety = 'help'), 0) AS help,
                   COALESCE(SUM(safety IS NULL), 0) AS no_answer
            FROM checkins WHERE action_id = :action
            """,
            {"action": action_id},
        )
        assert row is not None
        return SafetyCounts(int(row["safe"]), int(row["help"]), int(row["no_answer"]))

    async def remember_live_card(
        self, chat_id: int, action_id: int, message_id: int, now: datetime
    ) -> None:
        """An organiser's card on an action under way, to keep up to date (their latest)."""
        await self._execute(
            """
            INSERT INTO live_cards (chat_id, action_id, message_id, opened_at)
            VALUES (:chat, :action, :message, :now)
            ON CONFLICT (chat_id, action_id)
            DO UPDATE SET message_id = excluded.message_id, opened_at = excluded.opened_at
            """,
            {"chat": chat_id, "action": action_id, "message": message_id,
             "now": to_db_time(now)},
        )  # fmt: skip

    async def live_cards(self, action_id: int) -> list[tuple[int, int]]:
        """(chat id, message id) of every card kept up to date for ``action_id``."""
        rows = await self._fetch_all(
            "SELECT chat_id, message_id FROM live_cards WHERE action_id = :action ORDER BY chat_id",
            {"action": action_id},
        )
        return [(int(row["chat_id"]), int(row["message_id"])) for row in rows]
