"""The Store on a real SQLite file: members, roles, invites and the audit log."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from tests.conftest import NOW, MemberFactory
from turnout.storage import InviteOutcome, Role, Store


async def test_registering_a_new_member(store: Store) -> None:
    member, created = await store.register_member(42, "Ana", "en", "Europe/Belgrade", NOW)
    assert created
    assert member.user_id == 42
    assert member.timezone == "Europe/Belgrade"
    assert not member.subscribed
    assert member.reachable
    assert await store.member(42) == member


async def test_a_returning_member_keeps_their_choices(store: Store) -> None:
    await store.register_member(42, "Ana", "en", "Europe/Belgrade", NOW)
    await store.set_subscribed(42, True, NOW)
    await store.set_reachable(42, False, NOW)
    member, created = await store.register_member(42, "Ana M.", "fr", "UTC", NOW)
    assert not created
    assert member.first_name == "Ana M."
    assert member.language == "en"
    assert member.timezone == "Europe/Belgrade"
    assert member.subscribed
    assert member.reachable, "opening the bot again makes a member reachable"


async def test_changes_to_an_unknown_member_report_false(store: Store) -> None:
    assert not await store.set_subscribed(7, True, NOW)
    assert not await store.set_reachable(7, False, NOW)
    assert await store.member(7) is None


async def test_grant_and_revoke_are_audited(store: Store, make_member: MemberFactory) -> None:
    owner, ana = await make_member(first_name="Olga"), await make_member()
    assert await store.grant_role(ana.user_id, Role.ORGANISER, owner.user_id, NOW)
    assert not await store.grant_role(ana.user_id, Role.ORGANISER, owner.user_id, NOW)
    assert await store.roles_of(ana.user_id) == {Role.ORGANISER}
    assert await store.privileged_user_ids() == [ana.user_id]
    [holder] = await store.role_holders()
    assert (holder.first_name, holder.role, holder.granted_by) == (
        "Ana",
        Role.ORGANISER,
        owner.user_id,
    )

    assert await store.revoke_role(ana.user_id, Role.ORGANISER, owner.user_id, NOW)
    assert not await store.revoke_role(ana.user_id, Role.ORGANISER, owner.user_id, NOW)
    assert await store.roles_of(ana.user_id) == frozenset()

    entries = await store.audit_entries()
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("role:revoke", owner.user_id, ana.user_id),
        ("role:grant", owner.user_id, ana.user_id),
    ]
    assert json.loads(entries[0].detail) == {"role": "organiser"}


async def test_an_invite_is_redeemed_once(store: Store, make_member: MemberFactory) -> None:
    owner, ana, ben = await make_member(), await make_member(), await make_member()
    await store.create_invite(
        "tok", Role.BROADCASTER, owner.user_id, NOW, NOW + timedelta(hours=48)
    )
    first = await store.redeem_invite("tok", ana.user_id, NOW + timedelta(hours=1))
    second = await store.redeem_invite("tok", ben.user_id, NOW + timedelta(hours=2))
    assert (first.outcome, first.role) == (InviteOutcome.GRANTED, Role.BROADCASTER)
    assert second.outcome is InviteOutcome.USED
    assert await store.roles_of(ana.user_id) == {Role.BROADCASTER}
    assert await store.roles_of(ben.user_id) == frozenset()
    invite = await store.invite("tok")
    assert invite is not None
    assert invite.used_by == ana.user_id
    actions = [entry.action for entry in await store.audit_entries()]
    assert actions == ["invite:redeem", "invite:create"]


async def test_an_expired_or_unknown_invite_grants_nothing(
    store: Store, make_member: MemberFactory
) -> None:
    owner, ana = await make_member(), await make_member()
    await store.create_invite("old", Role.ORGANISER, owner.user_id, NOW, NOW + timedelta(hours=48))
    expired = await store.redeem_invite("old", ana.user_id, NOW + timedelta(hours=48))
    unknown = await store.redeem_invite("nope", ana.user_id, NOW)
    assert expired.outcome is InviteOutcome.EXPIRED
    assert unknown.outcome is InviteOutcome.UNKNOWN
    assert await store.roles_of(ana.user_id) == frozenset()
    invite = await store.invite("old")
    assert invite is not None
    assert invite.used_by is None


async def test_racing_redemptions_grant_one_role(store: Store, make_member: MemberFactory) -> None:
    owner = await make_member()
    people = [await make_member() for _ in range(10)]
    await store.create_invite("race", Role.ORGANISER, owner.user_id, NOW, NOW + timedelta(hours=1))
    results = await asyncio.gather(
        *(store.redeem_invite("race", person.user_id, NOW) for person in people)
    )
    assert [r.outcome for r in results].count(InviteOutcome.GRANTED) == 1
    assert len(await store.privileged_user_ids()) == 1


async def test_a_failed_transaction_leaves_nothing_behind(
    store: Store, make_member: MemberFactory
) -> None:
    """Every multi-row change runs in ``_transaction``: an error midway undoes all of it."""
    owner = await make_member()
    with pytest.raises(RuntimeError, match="midway"):
        async with store._transaction() as db:
            await db.execute(
                "INSERT INTO roles (user_id, role, granted_at) VALUES (:u, 'organiser', 'x')",
                {"u": owner.user_id},
            )
            raise RuntimeError("midway")
    assert await store.roles_of(owner.user_id) == frozenset()
    # The store is usable afterwards: the lock was released and no transaction is left open.
    assert await store.grant_role(owner.user_id, Role.ORGANISER, owner.user_id, NOW)


async def test_roles_follow_their_member_out(store: Store, make_member: MemberFactory) -> None:
    """Foreign keys are on: a role cannot point at a member who does not exist."""
    from turnout.storage import Conflict

    with pytest.raises(Conflict):
        await store.grant_role(999, Role.ORGANISER, 1, NOW)


async def test_an_invite_opened_by_someone_who_has_the_role_stays_usable(
    store: Store, make_member: MemberFactory
) -> None:
    owner, holder, newcomer = await make_member(), await make_member(), await make_member()
    await store.grant_role(holder.user_id, Role.ORGANISER, owner.user_id, NOW)
    await store.create_invite("tok", Role.ORGANISER, owner.user_id, NOW, NOW + timedelta(hours=48))
    held = await store.redeem_invite("tok", holder.user_id, NOW)
    assert held.outcome is InviteOutcome.ALREADY_HELD
    granted = await store.redeem_invite("tok", newcomer.user_id, NOW)
    assert granted.outcome is InviteOutcome.GRANTED
