"""Queries of the day of an action: check-ins, attendance, the safety answers counted, and the
cards organisers keep open on an action under way (README, "Action day")."""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time
from turnout.storage.models import DEFAULT_DURATION, Action, Attendance, Checkin, SafetyCounts
from turnout.storage.purposes import Family, Reminder
from turnout.storage.rows import action_from, build

#: When an action ends (``Action.end``): without an end stored, the default duration after the
#: start, given as ``:default``.
_END = "COALESCE(ends_at, datetime(starts_at, :default))"
_DEFAULT = f"+{int(DEFAULT_DURATION.total_seconds())} seconds"
#: Started, not ended, not cancelled.
_UNDER_WAY = f"status = 'planned' AND starts_at <= :now AND {_END} > :now"


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

    async def forget_live_card(self, chat_id: int, action_id: int) -> None:
        """Stop keeping a card up to date (its reader no longer manages the action)."""
        await self._execute(
            "DELETE FROM live_cards WHERE chat_id = :chat AND action_id = :action",
            {"chat": chat_id, "action": action_id},
        )

    async def forget_live_cards(self, action_id: int) -> None:
        """The day of ``action_id`` is over: its cards are kept up to date no longer."""
        await self._execute(
            "DELETE FROM live_cards WHERE action_id = :action", {"action": action_id}
        )

    async def drop_pending_live_cards(self, action_id: int) -> int:
        """Refreshes of ``action_id``'s cards still waiting in the outbox: a newer one replaces
        them (a backed-up outbox would otherwise send every step of the count, in order)."""
        return await self._execute(
            """
            DELETE FROM deliveries
            WHERE purpose LIKE :like ESCAPE '\\' AND status = 'pending'
            """,
            {"like": Family(f"live-card:{action_id}:").like},
        )

    async def going_ids(self, action_id: int) -> frozenset[int]:
        """Who is going to ``action_id`` (the last reminder gives them "I'm here")."""
        rows = await self._fetch_all(
            "SELECT user_id FROM rsvps WHERE action_id = :action AND answer = 'going'",
            {"action": action_id},
        )
        return frozenset(int(row["user_id"]) for row in rows)

    async def actions_under_way(self, now: datetime, limit: int, offset: int = 0) -> list[Action]:
        """Actions happening now (started, not ended, not cancelled), the latest to end last."""
        rows = await self._fetch_all(
            f"""
            SELECT * FROM actions WHERE {_UNDER_WAY}
            ORDER BY {_END}, starts_at, id
            LIMIT :limit OFFSET :offset
            """,  # noqa: S608 - constants, no user input
            {"now": to_db_time(now), "default": _DEFAULT, "limit": limit, "offset": offset},
        )
        return [action_from(row) for row in rows]

    async def count_actions_under_way(self, now: datetime) -> int:
        row = await self._fetch_one(
            f"SELECT COUNT(*) FROM actions WHERE {_UNDER_WAY}",  # noqa: S608 - a constant
            {"now": to_db_time(now), "default": _DEFAULT},
        )
        return int(row[0]) if row else 0

    async def is_reminder(self, chat_id: int, message_id: int, action_id: int) -> bool:
        """Whether ``message_id`` in ``chat_id`` is a reminder of ``action_id`` (where "I'm
        here" was pressed: a reminder keeps its text, a card is shown anew). The purposes of
        one action's reminders are a range of the (purpose, chat) index: no scan."""
        prefix = Reminder.of_action(action_id).prefix
        row = await self._fetch_one(
            """
            SELECT 1 FROM deliveries
            WHERE purpose >= :low AND purpose < :high AND chat_id = :chat
              AND message_id = :message
            """,
            {"low": prefix, "high": prefix[:-1] + chr(ord(prefix[-1]) + 1), "chat": chat_id,
             "message": message_id},
        )  # fmt: skip
        return row is not None

    async def forget_past_live_cards(self, ended_before: datetime) -> int:
        """Cards of actions that ended before ``ended_before`` (their day is over): no longer
        kept up to date, nor kept at all."""
        return await self._execute(
            f"""
            DELETE FROM live_cards WHERE action_id IN (
                SELECT id FROM actions WHERE {_END} < :before
            )
            """,  # noqa: S608 - a constant, no user input
            {"before": to_db_time(ended_before), "default": _DEFAULT},
        )
