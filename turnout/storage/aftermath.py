"""Queries of what follows an action's end (README, "Action day"): the safety check, in two
rounds, and the thank-you that asks for photos.

Each is handed to the outbox in the same transaction that marks it done (``safety_round``,
``photos_asked``), and only while it is still undone, so a run repeated after a crash queues
nothing twice; the outbox's purposes are unique per chat besides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from turnout.storage.base import StoreBase, rows_changed, to_db_time, write_audit
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import DEFAULT_DURATION, Action, Recipient, Safety
from turnout.storage.purposes import PhotoAsk, SafetyCheck
from turnout.storage.rows import action_from, one_action


def sql_span(delta: timedelta) -> str:
    """A span as SQLite's ``datetime`` modifier: "+1800 seconds"."""
    return f"{int(delta.total_seconds()):+d} seconds"


#: An action without an end stored ends after the default duration (as ``Action.end`` says).
END_PARAMS = {"default": sql_span(DEFAULT_DURATION)}


class AftermathQueries(StoreBase):
    # -- the safety check -----------------------------------------------------------------

    async def due_safety_checks(self, now: datetime, latest: timedelta) -> list[Action]:
        """Actions that ended (planned, or cancelled while under way: whoever checked in is
        asked all the same) and whose safety check was not asked, with someone
        checked in, and ended less than ``latest`` ago. Those found too late (the bot was
        down), or with nobody checked in, are settled at once: nobody is asked about them."""
        params = {**END_PARAMS, "now": to_db_time(now), "too_late": to_db_time(now - latest)}
        async with self._transaction() as db:
            await db.execute(
                """
                UPDATE actions SET safety_round = 2
                WHERE status IN ('planned', 'cancelled') AND safety_round = 0
                  AND COALESCE(ends_at, datetime(starts_at, :default)) <= :now
                  AND (COALESCE(ends_at, datetime(starts_at, :default)) <= :too_late
                       OR NOT EXISTS (SELECT 1 FROM checkins WHERE action_id = actions.id))
                """,
                params,
            )
            async with db.execute(
                """
                SELECT * FROM actions
                WHERE status IN ('planned', 'cancelled') AND safety_round = 0
                  AND COALESCE(ends_at, datetime(starts_at, :default)) <= :now
                ORDER BY id
                """,
                params,
            ) as cursor:
                rows = await cursor.fetchall()
        return [action_from(row) for row in rows]

    async def safety_recipients(self, action_id: int, round: int) -> list[Recipient]:
        """Who is asked "Are you safe?": everyone checked in and reachable (round 1); those of
        them who have not answered (round 2)."""
        rows = await self._fetch_all(
            """
            SELECT members.user_id, members.language, members.timezone
            FROM checkins JOIN members USING (user_id)
            WHERE checkins.action_id = :action AND members.reachable = 1
              AND (:round = 1 OR checkins.safety IS NULL)
            ORDER BY checkins.checked_in_at, checkins.user_id
            """,
            {"action": action_id, "round": round},
        )
        return [Recipient(row["user_id"], row["language"], row["timezone"]) for row in rows]

    async def start_safety_round(
        self,
        action_id: int,
        round: int,
        messages: Sequence[tuple[int, str]],
        now: datetime,
        *,
        actor_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> int | None:
        """Move the action's safety check from ``round - 1`` to ``round`` and queue
        ``messages`` (chat id, payload), audited, in one transaction; None (and nothing
        queued) when it is not at ``round - 1`` any more, or the action is not planned."""
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                """
                UPDATE actions SET safety_round = :round
                WHERE id = :id AND status IN ('planned', 'cancelled')
                  AND safety_round = :round - 1
                """,
                {"id": action_id, "round": round},
            ):
                return None
            action = await one_action(db, action_id)
            assert action is not None
            purpose = SafetyCheck(action_id, action.revision, round)
            queued = await insert_deliveries(db, purpose, messages, now, now, expires_at)
            await write_audit(
                db, now, actor_id, "action:safety-check", action_id,
                {"round": round, "asked": queued},
            )  # fmt: skip
        return queued

    async def answer_safety(
        self, action_id: int, user_id: int, answer: Safety, now: datetime
    ) -> bool:
        """Record ``user_id``'s answer to "Are you safe?" (the latest counts): only someone
        checked in, on an action whose safety check was asked (one cancelled while under way
        too: those who were there still answer). False otherwise."""
        changed = await self._execute(
            """
            UPDATE checkins SET safety = :answer, safety_at = :now
            WHERE action_id = :action AND user_id = :user
              AND EXISTS (SELECT 1 FROM actions WHERE id = :action
                          AND status IN ('planned', 'cancelled') AND safety_round > 0)
            """,
            {"action": action_id, "user": user_id, "answer": answer.value,
             "now": to_db_time(now)},
        )  # fmt: skip
        return changed > 0

    # -- the thank-you that asks for photos -------------------------------------------------

    async def due_photo_asks(
        self, now: datetime, photos_after: timedelta, latest: timedelta
    ) -> list[Action]:
        """Planned actions that ended ``photos_after`` ago or more and whose thank-you was not
        sent; those found ``latest`` after it was due (the bot was down) are settled at once."""
        params = {
            **END_PARAMS,
            "after": sql_span(photos_after),
            "now": to_db_time(now),
            "too_late": to_db_time(now - latest),
        }
        async with self._transaction() as db:
            await db.execute(
                """
                UPDATE actions SET photos_asked = 1
                WHERE status = 'planned' AND photos_asked = 0
                  AND datetime(COALESCE(ends_at, datetime(starts_at, :default)), :after)
                      <= :too_late
                """,
                params,
            )
            async with db.execute(
                """
                SELECT * FROM actions
                WHERE status = 'planned' AND photos_asked = 0
                  AND datetime(COALESCE(ends_at, datetime(starts_at, :default)), :after) <= :now
                ORDER BY id
                """,
                params,
            ) as cursor:
                rows = await cursor.fetchall()
        return [action_from(row) for row in rows]

    async def photo_recipients(self, action_id: int) -> list[Recipient]:
        """Who is thanked and asked for photos: everyone checked in, or when nobody checked
        in, everyone going; reachable."""
        rows = await self._fetch_all(
            """
            SELECT members.user_id, members.language, members.timezone
            FROM checkins JOIN members USING (user_id)
            WHERE checkins.action_id = :action AND members.reachable = 1
            UNION ALL
            SELECT members.user_id, members.language, members.timezone
            FROM rsvps JOIN members USING (user_id)
            WHERE rsvps.action_id = :action AND rsvps.answer = 'going'
              AND members.reachable = 1
              AND NOT EXISTS (SELECT 1 FROM checkins WHERE action_id = :action)
            ORDER BY 1
            """,
            {"action": action_id},
        )
        return [Recipient(row["user_id"], row["language"], row["timezone"]) for row in rows]

    async def queue_photo_ask(
        self,
        action_id: int,
        messages: Sequence[tuple[int, str]],
        now: datetime,
        *,
        expires_at: datetime | None = None,
    ) -> int | None:
        """Mark the action's thank-you sent and queue ``messages`` (chat id, payload) in one
        transaction; None (and nothing queued) when it was marked already, or the action is
        not planned."""
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                """
                UPDATE actions SET photos_asked = 1
                WHERE id = :id AND status = 'planned' AND photos_asked = 0
                """,
                {"id": action_id},
            ):
                return None
            action = await one_action(db, action_id)
            assert action is not None
            purpose = PhotoAsk(action_id, action.revision)
            return await insert_deliveries(db, purpose, messages, now, now, expires_at)
