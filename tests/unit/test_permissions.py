from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from turnout.permissions import EVERYONE, allowed, held_roles, may_manage, parse_grantable_role
from turnout.storage import Role

roles = st.frozensets(st.sampled_from(list(Role)))


def test_everyone_may_use_member_commands() -> None:
    assert allowed(frozenset(), EVERYONE)


def test_a_plain_member_may_not_use_privileged_commands() -> None:
    assert not allowed(frozenset(), frozenset({Role.OWNER}))
    assert not allowed(frozenset(), frozenset({Role.ORGANISER}))


def test_one_matching_role_is_enough() -> None:
    required = frozenset({Role.ORGANISER, Role.BROADCASTER})
    assert allowed(frozenset({Role.BROADCASTER}), required)
    assert not allowed(frozenset({Role.HOST}), required)


def test_an_organiser_is_not_an_owner() -> None:
    assert not allowed(frozenset({Role.ORGANISER, Role.BROADCASTER}), frozenset({Role.OWNER}))


@given(required=roles)
def test_owners_may_do_everything(required: frozenset[Role]) -> None:
    assert allowed(frozenset({Role.OWNER}), required)


@given(held=roles, required=roles)
def test_more_roles_never_allow_less(held: frozenset[Role], required: frozenset[Role]) -> None:
    if allowed(held, required):
        assert allowed(held | {Role.HOST}, required)


def test_owners_come_from_the_settings() -> None:
    assert held_roles(111, frozenset(), (111, 222)) == {Role.OWNER}
    assert held_roles(333, frozenset({Role.ORGANISER}), (111,)) == {Role.ORGANISER}


def test_role_words() -> None:
    assert parse_grantable_role("Organiser") is Role.ORGANISER
    assert parse_grantable_role("organizer") is Role.ORGANISER
    assert parse_grantable_role(" broadcaster ") is Role.BROADCASTER
    assert parse_grantable_role("owner") is None
    assert parse_grantable_role("host") is None


def test_a_host_manages_their_own_action_only_while_they_hold_the_role() -> None:
    host = frozenset({Role.HOST})
    assert may_manage(host, 7, 7)
    assert not may_manage(host, 7, 8), "another host's action"
    assert not may_manage(frozenset(), 7, 7), "the host role was revoked"
    assert may_manage(frozenset({Role.ORGANISER}), 7, 8)
    assert may_manage(frozenset({Role.OWNER}), 7, None)
    assert not may_manage(frozenset({Role.BROADCASTER}), 7, None)
