"""Roles and invites on a real SQLite file: each change audited with it, each invite used once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ReadDb, audited
from turnout.storage import Conflict, Invite, InviteOutcome, Redemption, Role, Store

EXPIRES = NOW + timedelta(hours=48)


async def test_a_grant_and_a_revocation_are_each_audited_once(
    store: Store, make_member: MemberFactory
) -> None:
    owner, ana = await make_member(first_name="Olga"), await make_member()
    assert await store.grant_role(ana.user_id, Role.BROADCASTER, owner.user_id, NOW)
    assert not await store.grant_role(ana.user_id, Role.BROADCASTER, owner.user_id, NOW)
    assert await store.revoke_role(ana.user_id, Role.BROADCASTER, owner.user_id, NOW)
    assert not await store.revoke_role(ana.user_id, Role.BROADCASTER, owner.user_id, NOW)
    assert await audited(store) == ["role:grant", "role:revoke"]


async def test_roles_are_held_side_by_side(store: Store, make_member: MemberFactory) -> None:
    owner, ana = await make_member(), await make_member()
    await store.grant_role(ana.user_id, Role.ORGANISER, owner.user_id, NOW)
    await store.grant_role(ana.user_id, Role.BROADCASTER, owner.user_id, NOW)
    await store.revoke_role(ana.user_id, Role.ORGANISER, owner.user_id, NOW)
    assert await store.roles_of(ana.user_id) == {Role.BROADCASTER}
    assert await store.roles_of(owner.user_id) == frozenset()


async def test_role_holders_are_listed_by_role_then_name(
    store: Store, make_member: MemberFactory
) -> None:
    owner = await make_member(first_name="Olga")
    zoe = await make_member(first_name="zoe")
    ana = await make_member(first_name="Ana")
    bea = await make_member(first_name="bea")
    for person in (zoe, ana, bea):
        await store.grant_role(person.user_id, Role.ORGANISER, owner.user_id, NOW)
    await store.grant_role(zoe.user_id, Role.BROADCASTER, owner.user_id, NOW + timedelta(1))
    holders = await store.role_holders()
    assert [(h.role, h.first_name) for h in holders] == [
        (Role.BROADCASTER, "zoe"),
        (Role.ORGANISER, "Ana"),
        (Role.ORGANISER, "bea"),
        (Role.ORGANISER, "zoe"),
    ]
    assert (holders[0].granted_by, holders[0].granted_at) == (owner.user_id, NOW + timedelta(1))
    assert await store.privileged_user_ids() == sorted({zoe.user_id, ana.user_id, bea.user_id})


async def test_an_invite_reads_back_as_it_was_made_and_is_audited(
    store: Store, make_member: MemberFactory
) -> None:
    owner = await make_member()
    made = await store.create_invite(
        "tok", Role.ORGANISER, owner.user_id, NOW + timedelta(microseconds=5), EXPIRES
    )
    assert made == Invite("tok", Role.ORGANISER, owner.user_id, NOW, EXPIRES, None, None)
    assert await store.invite("tok") == made
    assert await store.invite("nope") is None
    [entry] = await store.audit_entries()
    assert (entry.action, entry.actor_id, json.loads(entry.detail)) == (
        "invite:create",
        owner.user_id,
        {"role": "organiser", "expires_at": "2026-11-28 12:00:00"},
    )


async def test_a_token_is_never_given_to_two_invites(
    store: Store, make_member: MemberFactory
) -> None:
    owner = await make_member()
    await store.create_invite("tok", Role.ORGANISER, owner.user_id, NOW, EXPIRES)
    with pytest.raises(Conflict):
        await store.create_invite("tok", Role.BROADCASTER, owner.user_id, NOW, EXPIRES)
    invite = await store.invite("tok")
    assert invite is not None
    assert invite.role is Role.ORGANISER
    assert await audited(store) == ["invite:create"]


async def test_hosting_is_not_handed_out_by_invite(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    owner = await make_member()
    with pytest.raises(Conflict):
        await store.create_invite("host", Role.HOST, owner.user_id, NOW, EXPIRES)
    assert await store.invite("host") is None
    assert read_db("SELECT COUNT(*) FROM audit_log") == [(0,)], "no audit of what was not made"


async def test_an_invite_grants_its_role_once_on_behalf_of_its_maker(
    store: Store, make_member: MemberFactory
) -> None:
    owner, ana = await make_member(), await make_member()
    await store.create_invite("tok", Role.BROADCASTER, owner.user_id, NOW, EXPIRES)
    at = NOW + timedelta(hours=1)
    assert await store.redeem_invite("tok", ana.user_id, at) == Redemption(
        InviteOutcome.GRANTED, Role.BROADCASTER
    )
    assert await store.redeem_invite("tok", ana.user_id, at) == Redemption(
        InviteOutcome.USED, Role.BROADCASTER
    ), "even for the one who used it"
    [holder] = await store.role_holders()
    assert (holder.user_id, holder.role, holder.granted_by, holder.granted_at) == (
        ana.user_id,
        Role.BROADCASTER,
        owner.user_id,
        at,
    )
    invite = await store.invite("tok")
    assert invite is not None
    assert (invite.used_by, invite.used_at) == (ana.user_id, at)
    entry = (await store.audit_entries())[0]
    assert (entry.action, entry.actor_id, entry.target_id, json.loads(entry.detail)) == (
        "invite:redeem",
        ana.user_id,
        ana.user_id,
        {"role": "broadcaster", "invited_by": owner.user_id},
    )


async def test_an_invite_expires_at_its_moment(store: Store, make_member: MemberFactory) -> None:
    owner, ana, ben = await make_member(), await make_member(), await make_member()
    await store.create_invite("a", Role.ORGANISER, owner.user_id, NOW, EXPIRES)
    await store.create_invite("b", Role.ORGANISER, owner.user_id, NOW, EXPIRES)
    late = await store.redeem_invite("a", ana.user_id, EXPIRES)
    in_time = await store.redeem_invite("b", ben.user_id, EXPIRES - timedelta(seconds=1))
    assert (late.outcome, in_time.outcome) == (InviteOutcome.EXPIRED, InviteOutcome.GRANTED)
    assert await store.roles_of(ana.user_id) == frozenset()
    assert await audited(store) == ["invite:create", "invite:create", "invite:redeem"]


async def test_an_invite_opened_by_a_holder_stays_for_someone_else(
    store: Store, make_member: MemberFactory
) -> None:
    owner, holder, newcomer = await make_member(), await make_member(), await make_member()
    await store.grant_role(holder.user_id, Role.ORGANISER, owner.user_id, NOW)
    await store.create_invite("tok", Role.ORGANISER, owner.user_id, NOW, EXPIRES)
    held = await store.redeem_invite("tok", holder.user_id, NOW)
    assert held == Redemption(InviteOutcome.ALREADY_HELD, Role.ORGANISER)
    invite = await store.invite("tok")
    assert invite is not None
    assert invite.used_by is None
    assert await audited(store) == ["role:grant", "invite:create"], "nothing happened"
    granted = await store.redeem_invite("tok", newcomer.user_id, NOW)
    assert granted.outcome is InviteOutcome.GRANTED


async def test_an_unknown_invite_says_so(store: Store, make_member: MemberFactory) -> None:
    ana = await make_member()
    assert await store.redeem_invite("nope", ana.user_id, NOW) == Redemption(InviteOutcome.UNKNOWN)
    assert await store.roles_of(ana.user_id) == frozenset()


async def test_a_redemption_that_fails_midway_leaves_the_invite_unused(
    store: Store, make_member: MemberFactory
) -> None:
    """Roles point at members: someone not registered gets nothing, and the invite is not
    spent on them (the use and the grant are one transaction)."""
    owner, ana = await make_member(), await make_member()
    await store.create_invite("tok", Role.ORGANISER, owner.user_id, NOW, EXPIRES)
    with pytest.raises(Conflict):
        await store.redeem_invite("tok", 999, NOW)
    invite = await store.invite("tok")
    assert invite is not None
    assert invite.used_by is None
    assert await audited(store) == ["invite:create"]
    assert (await store.redeem_invite("tok", ana.user_id, NOW)).outcome is InviteOutcome.GRANTED
