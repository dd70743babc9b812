"""Members' proposals on a real SQLite file: waiting for an organiser, decided once, published
as an action hosted by the proposer in the same transaction."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import START, ReadDb, audited, new_action, plan_for
from turnout.storage import (
    ActionStatus,
    Member,
    NewAction,
    ProposalOutcome,
    ProposalStatus,
    Role,
    Store,
)

ORGANISER = 8


def plan(new: NewAction) -> list[tuple[int, datetime]]:
    return plan_for(new.starts_at, new.reminder_minutes)


def proposed(proposer: Member, **changes: object) -> NewAction:
    values: dict[str, object] = {
        "title": "Clean-up of the river bank",
        "description": "Gloves provided",
        "place": "Old bridge",
        "city_id": 3194360,
        "city": "Novi Sad",
        "country": "RS",
        "latitude": 45.25,
        "longitude": 19.85,
        "timezone": "Europe/Belgrade",
        "reminder_minutes": (),
        "host_id": proposer.user_id,
        "campaign_id": None,
    }
    values.update(changes)
    return new_action(**values)


async def submit(store: Store, proposer: Member, expected: int | None = 20) -> ProposalOutcome:
    return await store.submit_proposal(proposed(proposer), expected, plan, NOW)


async def test_a_proposal_waits_for_an_organiser(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    outcome = await submit(store, ana)
    assert (outcome.action, outcome.decided) == (None, False)
    proposal = outcome.proposal
    assert (proposal.proposer_id, proposal.status, proposal.expected, proposal.action_id) == (
        ana.user_id,
        ProposalStatus.PENDING,
        20,
        None,
    )
    assert (proposal.title, proposal.city, proposal.country, proposal.starts_at) == (
        "Clean-up of the river bank",
        "Novi Sad",
        "RS",
        START,
    )
    assert await store.proposal(proposal.id) == proposal
    assert await store.pending_proposals(10) == [proposal]
    assert read_db("SELECT COUNT(*) FROM actions") == [(0,)]
    assert await store.roles_of(ana.user_id) == frozenset(), "not a host before approval"
    [entry] = await store.audit_entries()
    assert (entry.action, entry.actor_id) == ("proposal:submit", ana.user_id)


async def test_pending_proposals_are_oldest_first(store: Store, make_member: MemberFactory) -> None:
    ana, ben = await make_member(), await make_member()
    first = (await submit(store, ana)).proposal
    second = (await submit(store, ben)).proposal
    third = (await submit(store, ana)).proposal
    await store.reject_proposal(second.id, ORGANISER, None, NOW)
    assert [p.id for p in await store.pending_proposals(10)] == [first.id, third.id]
    assert [p.id for p in await store.pending_proposals(1)] == [first.id]


async def test_an_approved_proposal_becomes_an_action_hosted_by_its_proposer(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    proposal = (await submit(store, ana)).proposal
    outcome = await store.approve_proposal(proposal.id, ORGANISER, (1440, 60), plan, NOW)
    assert outcome is not None
    assert outcome.decided
    action = outcome.action
    assert action is not None
    assert await store.action(action.id) == action
    assert (action.title, action.description, action.place, action.starts_at) == (
        proposal.title,
        proposal.description,
        proposal.place,
        proposal.starts_at,
    )
    assert (action.city_id, action.city, action.country, action.latitude, action.longitude) == (
        3194360,
        "Novi Sad",
        "RS",
        45.25,
        19.85,
    )
    assert (action.host_id, action.created_by, action.capacity, action.status) == (
        ana.user_id,
        ORGANISER,
        None,
        ActionStatus.PLANNED,
    )
    assert action.reminder_minutes == (1440, 60)
    assert [(m, due) for _, m, due, _ in await store.reminders_of(action.id)] == [
        (1440, START - timedelta(days=1)),
        (60, START - timedelta(hours=1)),
    ]
    assert (outcome.proposal.status, outcome.proposal.action_id) == (
        ProposalStatus.APPROVED,
        action.id,
    )
    assert await store.roles_of(ana.user_id) == {Role.HOST}
    assert await store.hosted_action_ids(ana.user_id) == {action.id}
    assert await store.pending_proposals(10) == []
    assert await audited(store) == [
        "proposal:submit",
        "role:grant",  # the proposer hosts it now
        "action:create",
        "proposal:approve",
    ]
    entry = (await store.audit_entries())[0]
    assert (entry.actor_id, entry.target_id, json.loads(entry.detail)) == (
        ORGANISER,
        ana.user_id,
        {"proposal": proposal.id, "action": action.id},
    )


async def test_a_proposal_is_decided_once(store: Store, make_member: MemberFactory) -> None:
    ana = await make_member()
    proposal = (await submit(store, ana)).proposal
    approvals = await asyncio.gather(
        store.approve_proposal(proposal.id, ORGANISER, (), plan, NOW),
        store.approve_proposal(proposal.id, ORGANISER + 1, (), plan, NOW),
        store.reject_proposal(proposal.id, ORGANISER + 2, "too late", NOW),
    )
    first, again, rejected = approvals
    assert first is not None
    assert again is not None
    assert rejected is not None
    assert (first.decided, again.decided, rejected.decided) == (True, False, False)
    assert again.action == first.action, "the later one is shown the action published"
    assert rejected.proposal.status is ProposalStatus.APPROVED
    assert len(await store.upcoming_actions(NOW, 10)) == 1


async def test_a_rejected_proposal_tells_why_and_publishes_nothing(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    proposal = (await submit(store, ana)).proposal
    outcome = await store.reject_proposal(proposal.id, ORGANISER, "Same day as the march", NOW)
    assert outcome is not None
    assert (outcome.decided, outcome.action) == (True, None)
    assert (outcome.proposal.status, outcome.proposal.reason) == (
        ProposalStatus.REJECTED,
        "Same day as the march",
    )
    late = await store.approve_proposal(proposal.id, ORGANISER, (), plan, NOW)
    assert late is not None
    assert (late.decided, late.action, late.proposal.status) == (
        False,
        None,
        ProposalStatus.REJECTED,
    )
    assert await store.upcoming_actions(NOW, 10) == []
    assert await store.roles_of(ana.user_id) == frozenset()
    entry = (await store.audit_entries())[0]
    assert (entry.action, entry.target_id, json.loads(entry.detail)) == (
        "proposal:reject",
        ana.user_id,
        {"proposal": proposal.id, "reason": "Same day as the march"},
    )


async def test_an_unknown_proposal_is_none(store: Store) -> None:
    assert await store.proposal(9) is None
    assert await store.approve_proposal(9, ORGANISER, (), plan, NOW) is None
    assert await store.reject_proposal(9, ORGANISER, None, NOW) is None
    assert await store.audit_entries() == []


async def test_a_trusted_proposer_publishes_directly(
    store: Store, make_member: MemberFactory
) -> None:
    ana, ben = await make_member(), await make_member()
    first = (await submit(store, ana)).proposal
    approved = await store.approve_proposal(first.id, ORGANISER, (), plan, NOW, trust=True)
    assert approved is not None
    assert "host:trust" in await audited(store)
    direct = await store.submit_proposal(
        proposed(ana, reminder_minutes=(120,), title="Second clean-up"), 10, plan, NOW
    )
    assert direct.decided
    assert direct.action is not None
    assert (direct.action.title, direct.action.host_id, direct.action.created_by) == (
        "Second clean-up",
        ana.user_id,
        ana.user_id,
    )
    assert direct.proposal.status is ProposalStatus.APPROVED
    assert [m for _, m, _, _ in await store.reminders_of(direct.action.id)] == [120]
    untrusted = await submit(store, ben)
    assert (untrusted.decided, untrusted.action) == (False, None), "trust is per member"


async def test_a_pending_proposal_can_be_corrected_before_deciding(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    proposal = (await submit(store, ana)).proposal
    later = START + timedelta(days=1, microseconds=7)
    edited = await store.edit_proposal(
        proposal.id, {"title": "River clean-up", "starts_at": later}, ORGANISER, NOW
    )
    assert edited is not None
    assert (edited.title, edited.starts_at, edited.place) == (
        "River clean-up",
        START + timedelta(days=1),
        "Old bridge",
    )
    assert await store.proposal(proposal.id) == edited
    entry = (await store.audit_entries())[0]
    assert (entry.action, json.loads(entry.detail)) == (
        "proposal:edit",
        {"proposal": proposal.id, "fields": ["starts_at", "title"]},
    )
    outcome = await store.approve_proposal(proposal.id, ORGANISER, (), plan, NOW)
    assert outcome is not None
    assert outcome.action is not None
    assert (outcome.action.title, outcome.action.starts_at) == (
        "River clean-up",
        START + timedelta(days=1),
    )
    assert await store.edit_proposal(proposal.id, {"title": "x"}, ORGANISER, NOW) is None


@pytest.mark.parametrize("changes", [{}, {"expected": 5}, {"title": "x", "proposer_id": 1}])
async def test_only_the_fields_an_organiser_corrects_are_edited(
    store: Store, make_member: MemberFactory, changes: dict[str, object]
) -> None:
    ana = await make_member()
    proposal = (await submit(store, ana)).proposal
    with pytest.raises(ValueError, match="cannot change"):
        await store.edit_proposal(proposal.id, changes, ORGANISER, NOW)
    assert await store.proposal(proposal.id) == proposal


async def test_a_proposal_number_is_never_given_twice(
    store: Store, make_member: MemberFactory
) -> None:
    """A forgotten member's proposals go; an old notice's Approve must not act on a new one."""
    ana, ben = await make_member(), await make_member()
    first = (await submit(store, ana)).proposal
    await store.forget_member(ana.user_id, "Forgotten 1", NOW)
    assert await store.proposal(first.id) is None
    assert (await submit(store, ben)).proposal.id == first.id + 1
