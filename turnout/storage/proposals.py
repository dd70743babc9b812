"""Members' proposals of local actions, and the organisers' decisions on them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import aiosqlite

from turnout.storage.actions import insert_action
from turnout.storage.base import StoreBase, rows_changed, to_db_time, write_audit
from turnout.storage.models import Action, NewAction, Proposal, ProposalStatus, carried
from turnout.storage.rows import one_action, proposal_from


@dataclass(frozen=True, slots=True)
class ProposalOutcome:
    """What became of a proposal: ``action`` when it was published (now or by this decision);
    ``decided`` False when someone else had already decided it (``proposal`` says how)."""

    proposal: Proposal
    action: Action | None
    decided: bool


#: The reminders of an action about to be created: (minutes before, due at).
ReminderPlan = Callable[[NewAction], Sequence[tuple[int, datetime]]]


class ProposalQueries(StoreBase):
    async def submit_proposal(
        self,
        new: NewAction,
        expected: int | None,
        plan: ReminderPlan,
        now: datetime,
    ) -> ProposalOutcome:
        """Store a proposal by ``new.host_id``. A trusted proposer's is approved at once and
        becomes an action (one transaction); else it waits for an organiser."""
        proposer = new.host_id
        assert proposer is not None
        async with self._transaction() as db:
            async with db.execute(
                "SELECT trusted_by IS NOT NULL FROM members WHERE user_id = :id", {"id": proposer}
            ) as cursor:
                row = await cursor.fetchone()
            trusted = bool(row and row[0])
            cursor = await db.execute(
                """
                INSERT INTO proposals (id, proposer_id, title, description, starts_at,
                                       ends_at, timezone, place, city_id, city, country,
                                       latitude, longitude, expected, campaign_id, created_at)
                VALUES ((SELECT last + 1 FROM id_floors WHERE name = 'proposals'),
                        :proposer, :title, :description, :starts_at, :ends_at, :timezone,
                        :place, :city_id, :city, :country, :latitude, :longitude, :expected,
                        :campaign_id, :now)
                """,
                {
                    "proposer": proposer,
                    "title": new.title,
                    "description": new.description,
                    "starts_at": to_db_time(new.starts_at),
                    "ends_at": to_db_time(new.end),
                    "timezone": new.timezone,
                    "place": new.place,
                    "city_id": new.city_id,
                    "city": new.city,
                    "country": new.country,
                    "latitude": new.latitude,
                    "longitude": new.longitude,
                    "expected": expected,
                    "campaign_id": new.campaign_id,
                    "now": to_db_time(now),
                },
            )
            proposal_id = cursor.lastrowid
            assert proposal_id is not None
            await write_audit(db, now, proposer, "proposal:submit", None, {"proposal": proposal_id})
            action = None
            if trusted:
                action = await _approve(db, proposal_id, new, proposer, plan(new), now)
            proposal = await _one(db, proposal_id)
        assert proposal is not None
        return ProposalOutcome(proposal, action, decided=trusted)

    async def proposals_since(self, proposer: int, since: datetime) -> int:
        """How many proposals ``proposer`` made after ``since`` (decided ones too)."""
        row = await self._fetch_one(
            "SELECT COUNT(*) FROM proposals WHERE proposer_id = :proposer AND created_at > :since",
            {"proposer": proposer, "since": to_db_time(since)},
        )
        return int(row[0]) if row else 0

    async def pending_proposals(self, limit: int) -> list[Proposal]:
        """Proposals waiting for a decision, the oldest first."""
        rows = await self._fetch_all(
            "SELECT * FROM proposals WHERE status = 'pending' ORDER BY id LIMIT :limit",
            {"limit": limit},
        )
        return [proposal_from(row) for row in rows]

    async def proposal(self, proposal_id: int) -> Proposal | None:
        row = await self._fetch_one("SELECT * FROM proposals WHERE id = :id", {"id": proposal_id})
        return None if row is None else proposal_from(row)

    async def approve_proposal(
        self,
        proposal_id: int,
        actor_id: int,
        reminder_minutes: tuple[int, ...],
        plan: ReminderPlan,
        now: datetime,
        *,
        trust: bool = False,
    ) -> ProposalOutcome | None:
        """Publish a pending proposal as an action hosted by its proposer, who becomes a host
        (and, with ``trust``, publishes directly from now on). None if there is no such
        proposal; ``decided`` False if it was decided already."""
        async with self._transaction() as db:
            proposal = await _one(db, proposal_id)
            if proposal is None:
                return None
            if proposal.status is not ProposalStatus.PENDING:
                action = await one_action(db, proposal.action_id) if proposal.action_id else None
                return ProposalOutcome(proposal, action, decided=False)
            new = replace(as_new_action(proposal), reminder_minutes=reminder_minutes)
            action = await _approve(db, proposal_id, new, actor_id, plan(new), now)
            if trust:
                await db.execute(
                    "UPDATE members SET trusted_by = :actor WHERE user_id = :user_id",
                    {"actor": actor_id, "user_id": proposal.proposer_id},
                )
                await write_audit(db, now, actor_id, "host:trust", proposal.proposer_id, {})
            decided = await _one(db, proposal_id)
        assert decided is not None
        return ProposalOutcome(decided, action, decided=True)

    async def reject_proposal(
        self, proposal_id: int, actor_id: int, reason: str | None, now: datetime
    ) -> ProposalOutcome | None:
        """Turn a pending proposal down, with an optional reason for the proposer."""
        async with self._transaction() as db:
            proposal = await _one(db, proposal_id)
            if proposal is None:
                return None
            if proposal.status is not ProposalStatus.PENDING:
                return ProposalOutcome(proposal, None, decided=False)
            await _record_decision(
                db, proposal_id, proposal.proposer_id, actor_id, now, reason=reason
            )
            decided = await _one(db, proposal_id)
        assert decided is not None
        return ProposalOutcome(decided, None, decided=True)

    async def edit_proposal(
        self, proposal_id: int, changes: dict[str, object], actor_id: int, now: datetime
    ) -> Proposal | None:
        """Change fields of a pending proposal (title, starts_at, ends_at, place, description)
        before deciding. A new start alone keeps the duration: the end moves with it. None if
        it is not pending any more, or if the end would not come after the start."""
        allowed = {"title", "starts_at", "ends_at", "place", "description"}
        if not changes or set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)} of a proposal")
        values = {
            key: to_db_time(value) if isinstance(value, datetime) else value
            for key, value in changes.items()
        }
        assignments = [f"{key} = :{key}" for key in sorted(values)]
        if "starts_at" in values and "ends_at" not in values:
            # The columns on the right are read as they were before the UPDATE.
            assignments.append(_ENDS_AS_LONG_AFTER)
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                f"UPDATE proposals SET {', '.join(assignments)} "  # noqa: S608 - names from the allowed set
                "WHERE id = :id AND status = 'pending' "
                "AND (:ends_at IS NULL OR :ends_at > COALESCE(:starts_at, starts_at))",
                {"starts_at": None, "ends_at": None, **values, "id": proposal_id},
            ):
                return None
            await write_audit(
                db,
                now,
                actor_id,
                "proposal:edit",
                None,
                {"proposal": proposal_id, "fields": sorted(values)},
            )
            return await _one(db, proposal_id)


#: A new start keeps the duration: the end set as long after the new start as it was after
#: the old one.
_ENDS_AS_LONG_AFTER = """ends_at = datetime(:starts_at, '+' || (
    strftime('%s', COALESCE(ends_at, datetime(starts_at, '+2 hours')))
    - strftime('%s', starts_at)) || ' seconds')"""


async def _approve(
    db: aiosqlite.Connection,
    proposal_id: int,
    new: NewAction,
    actor_id: int,
    reminders: Sequence[tuple[int, datetime]],
    now: datetime,
) -> Action:
    action_id = await insert_action(db, new, actor_id, reminders, now)
    await _record_decision(db, proposal_id, new.host_id, actor_id, now, action_id=action_id)
    action = await one_action(db, action_id)
    assert action is not None
    return action


async def _record_decision(
    db: aiosqlite.Connection,
    proposal_id: int,
    proposer_id: int | None,
    actor_id: int,
    now: datetime,
    *,
    action_id: int | None = None,
    reason: str | None = None,
) -> None:
    """Within a transaction: a pending proposal approved (as ``action_id``) or rejected (with
    ``reason``), audited."""
    approved = action_id is not None
    await db.execute(
        """
        UPDATE proposals SET status = :status, action_id = :action_id, reason = :reason,
                             decided_by = :actor, decided_at = :now
        WHERE id = :id
        """,
        {
            "id": proposal_id,
            "status": ProposalStatus.APPROVED if approved else ProposalStatus.REJECTED,
            "action_id": action_id,
            "reason": reason,
            "actor": actor_id,
            "now": to_db_time(now),
        },
    )
    verb, said = ("approve", "action") if approved else ("reject", "reason")
    detail = {"proposal": proposal_id, said: action_id if approved else reason}
    await write_audit(db, now, actor_id, f"proposal:{verb}", proposer_id, detail)


async def _one(db: aiosqlite.Connection, proposal_id: int) -> Proposal | None:
    async with db.execute("SELECT * FROM proposals WHERE id = :id", {"id": proposal_id}) as cursor:
        row = await cursor.fetchone()
    return None if row is None else proposal_from(row)


def as_new_action(proposal: Proposal) -> NewAction:
    """The action a proposal becomes, hosted by its proposer (reminders: none yet)."""
    return carried(
        NewAction, proposal, capacity=None, reminder_minutes=(), host_id=proposal.proposer_id
    )
