"""Paid broadcasts (README, "Paid broadcasts"): the audit entry written when one starts, and the
sender told, once, when the bot's Stars ran out part-way.

Whether a call or an alert is paid is kept on its own row (``calls.paid``, ``alerts.paid``);
which of its copies went out paid, on theirs (``deliveries.may_pay``, ``deliveries.paid``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from turnout.storage.base import StoreBase, write_audit
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.purposes import CALL_PARTS, AlertCopy, BroadcastKind, CallCopy, PaidRanOut

#: What the sender of a paid broadcast whose Stars ran out is told, made from how many of its
#: copies went out paid and how many are still to go (a payload's JSON).
RanOutNotice = Callable[[int, int], str]


@dataclass(frozen=True, slots=True)
class PaidStart:
    """A paid broadcast as it starts, for its audit entry (``broadcast:paid``)."""

    sender: int
    copies: int
    stars: int
    """The estimated cost of its paid copies, in whole Stars."""
    balance: float | None
    """The bot's balance in Stars just before; None when Telegram did not say."""


@dataclass(frozen=True, slots=True)
class PaidBroadcast:
    """A paid call or alert, by whom."""

    kind: BroadcastKind
    ref: int
    sender: int
    action_id: int | None = None
    """An alert's action."""


async def write_paid_start(
    db: aiosqlite.Connection, now: datetime, start: PaidStart, what: Mapping[str, object]
) -> None:
    """Within the transaction that queues the copies: audit the paid broadcast ``what`` (the
    call, or the alert and its action), so that every owner hears of it."""
    detail = {**what, "copies": start.copies, "stars": start.stars, "balance": start.balance}
    await write_audit(db, now, start.sender, "broadcast:paid", None, detail)


def copy_keys(kind: BroadcastKind, ref: int) -> list[str]:
    """The purposes of a broadcast's copies: each part of a call, or the alert."""
    if kind == "call":
        return [CallCopy(ref, part).key for part in CALL_PARTS]
    return [AlertCopy(ref).key]


class PaidQueries(StoreBase):
    async def paid_broadcast(self, kind: BroadcastKind, ref: int) -> PaidBroadcast | None:
        """The call or alert ``ref``, if its sender chose to pay; None otherwise (or gone)."""
        if kind == "call":
            row = await self._fetch_one(
                "SELECT author AS sender, NULL AS action_id FROM calls WHERE id = :ref AND paid",
                {"ref": ref},
            )
        else:
            row = await self._fetch_one(
                "SELECT sent_by AS sender, action_id FROM alerts WHERE id = :ref AND paid",
                {"ref": ref},
            )
        if row is None:
            return None
        return PaidBroadcast(kind, ref, int(row["sender"]), row["action_id"])

    async def tell_stars_ran_out(
        self, broadcast: PaidBroadcast, notice: RanOutNotice, now: datetime
    ) -> bool:
        """The bot's Stars ran out during ``broadcast``: queue its sender's ``notice`` (made
        from its copies sent paid and those still to go, counted now) and audit it
        (``broadcast:paid_ran_out``), in one transaction. Once per broadcast: False when its
        sender was told already."""
        kind, ref = broadcast.kind, broadcast.ref
        async with self._transaction() as db:
            async with db.execute(
                """
                SELECT COALESCE(SUM(CASE WHEN status = 'sent' THEN paid ELSE 0 END), 0) AS paid,
                       COALESCE(SUM(status IN ('pending', 'claimed')), 0) AS left
                FROM deliveries WHERE purpose IN (SELECT value FROM json_each(:keys))
                """,
                {"keys": json.dumps(copy_keys(kind, ref))},
            ) as cursor:
                row = await cursor.fetchone()
            paid, left = (int(row["paid"]), int(row["left"])) if row else (0, 0)
            told = [(broadcast.sender, notice(paid, left))]
            if not await insert_deliveries(db, PaidRanOut(kind, ref), told, now, now, None):
                return False  # told already: the outbox reported it again
            detail: dict[str, object] = {kind: ref, "paid": paid, "left": left}
            if broadcast.action_id is not None:
                detail["action"] = broadcast.action_id
            # The sender is the entry's target, not a detail: /forgetme rewrites targets.
            await write_audit(db, now, None, "broadcast:paid_ran_out", broadcast.sender, detail)
        return True
