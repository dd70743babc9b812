"""Queries of urgent alerts (README, "Urgent alerts"): who an alert goes to, sending one (the
alert, its audit entry and every copy in one transaction), and muting an action's alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase, to_db_time, write_audit
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import Action, Alert, Audience, Recipient
from turnout.storage.paid import PaidStart, write_paid_start
from turnout.storage.purposes import AlertCopy
from turnout.storage.rows import action_from, build

#: Who an alert to each audience reaches: reachable members who did not mute the action's
#: alerts. Going: those who answered Going. Here: those who checked in (a member who checked in
#: and then left the list was there all the same: they still hear of the police at the bridge).
#: Those checked in come first in either case: they are the ones at the scene.
_RECIPIENTS = {
    Audience.GOING: """
        SELECT members.user_id, members.language, members.timezone
        FROM rsvps JOIN members USING (user_id)
        LEFT JOIN checkins
          ON checkins.action_id = rsvps.action_id AND checkins.user_id = rsvps.user_id
        WHERE rsvps.action_id = :action AND rsvps.answer = 'going'
          AND rsvps.alerts_muted = 0 AND members.reachable = 1
        ORDER BY checkins.user_id IS NULL, rsvps.answered_at, members.user_id
    """,
    Audience.HERE: """
        SELECT members.user_id, members.language, members.timezone
        FROM checkins JOIN members USING (user_id)
        LEFT JOIN rsvps
          ON rsvps.action_id = checkins.action_id AND rsvps.user_id = checkins.user_id
        WHERE checkins.action_id = :action
          AND COALESCE(rsvps.alerts_muted, 0) = 0 AND members.reachable = 1
        ORDER BY checkins.checked_in_at, members.user_id
    """,
}


class AlertQueries(StoreBase):
    async def alert_recipients(self, action_id: int, audience: Audience) -> list[Recipient]:
        """Everyone an alert to ``audience`` of the action would reach now, the first first."""
        rows = await self._fetch_all(_RECIPIENTS[audience], {"action": action_id})
        return [Recipient(row["user_id"], row["language"], row["timezone"]) for row in rows]

    async def alert_audiences(self, action_id: int) -> dict[Audience, int]:
        """How many an alert to each audience would reach now (what the choice shows)."""
        counts = {}
        for audience, sql in _RECIPIENTS.items():
            row = await self._fetch_one(
                f"SELECT COUNT(*) FROM ({sql})",  # noqa: S608 - the fixed queries above
                {"action": action_id},
            )
            counts[audience] = int(row[0]) if row else 0
        return counts

    async def actions_starting_between(
        self, since: datetime, until: datetime, host_id: int | None = None
    ) -> list[Action]:
        """Actions (planned, or cancelled: one cancelled while under way still takes alerts)
        starting in [``since``, ``until``], of ``host_id`` only when given, earliest first
        (the use case keeps those whose alerts are open now)."""
        rows = await self._fetch_all(
            """
            SELECT * FROM actions
            WHERE status IN ('planned', 'cancelled') AND starts_at BETWEEN :since AND :until
              AND (:host IS NULL OR host_id = :host)
            ORDER BY starts_at, id
            """,
            {"since": to_db_time(since), "until": to_db_time(until), "host": host_id},
        )
        return [action_from(row) for row in rows]

    async def send_alert(
        self,
        action_id: int,
        sent_by: int,
        audience: Audience,
        text: str,
        messages: Sequence[tuple[int, str]],
        now: datetime,
        *,
        expires_at: datetime | None = None,
        paid: PaidStart | None = None,
    ) -> tuple[Alert, int] | None:
        """Store the alert, audit it and queue one copy per (chat, payload) in ``messages``,
        in one transaction; return it and how many copies were queued. Only to those it is
        still for: ``messages`` were written before this transaction, and one may have muted
        the alerts, left or used /forgetme meanwhile. None if the action was cancelled before
        it began (at this very moment). A copy unsent at ``expires_at`` is dropped. ``paid``:
        its sender chose to pay, so its copies may go above the free rate (audited too)."""
        async with self._transaction() as db:
            async with db.execute(
                """
                SELECT 1 FROM actions WHERE id = :action
                  AND (status = 'planned' OR (status = 'cancelled' AND starts_at <= :now))
                """,
                {"action": action_id, "now": to_db_time(now)},
            ) as cursor:
                if await cursor.fetchone() is None:
                    return None
            cursor = await db.execute(
                """
                INSERT INTO alerts (action_id, sent_by, audience, text, paid, created_at)
                VALUES (:action, :sent_by, :audience, :text, :paid, :now)
                RETURNING *
                """,
                {"action": action_id, "sent_by": sent_by, "audience": audience, "text": text,
                 "paid": int(paid is not None), "now": to_db_time(now)},
            )  # fmt: skip
            row = await cursor.fetchone()
            assert row is not None
            alert = build(Alert, row)
            wanted = await _still_for(db, action_id, audience)
            kept = [(chat, payload) for chat, payload in messages if chat in wanted]
            queued = await insert_deliveries(
                db, AlertCopy(alert.id), kept, now, now, expires_at, may_pay=paid is not None
            )
            await write_audit(
                db, now, sent_by, "alert:sent", None,
                {"alert": alert.id, "action": action_id, "audience": str(audience),
                 "copies": queued},
            )  # fmt: skip
            if paid is not None:
                await write_paid_start(db, now, paid, {"alert": alert.id, "action": action_id})
        return alert, queued

    async def alerts_of(self, action_id: int) -> list[Alert]:
        """The alerts sent for an action, oldest first."""
        rows = await self._fetch_all(
            "SELECT * FROM alerts WHERE action_id = :action ORDER BY id", {"action": action_id}
        )
        return [build(Alert, row) for row in rows]

    async def set_alerts_muted(self, action_id: int, user_id: int, muted: bool) -> bool:
        """Mute (or hear again) the alerts of one action; False if the member has no answer
        to it (there is nothing to mute: alerts go only to those who answered Going)."""
        changed = await self._execute(
            """
            UPDATE rsvps SET alerts_muted = :muted
            WHERE action_id = :action AND user_id = :user
            """,
            {"action": action_id, "user": user_id, "muted": int(muted)},
        )
        return changed > 0

    async def alerts_muted(self, action_id: int, user_id: int) -> bool:
        row = await self._fetch_one(
            "SELECT alerts_muted FROM rsvps WHERE action_id = :action AND user_id = :user",
            {"action": action_id, "user": user_id},
        )
        return bool(row and row["alerts_muted"])


async def _still_for(db: aiosqlite.Connection, action_id: int, audience: Audience) -> set[int]:
    """Within a transaction: who an alert to ``audience`` reaches at this moment."""
    async with db.execute(_RECIPIENTS[audience], {"action": action_id}) as cursor:
        return {row["user_id"] for row in await cursor.fetchall()}
