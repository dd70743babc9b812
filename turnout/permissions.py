"""Who may do what: pure rules, no I/O. The handlers' guard applies them to every entry."""

from __future__ import annotations

from collections.abc import Collection

from turnout.storage.models import Role

#: Required roles of something every member may use.
EVERYONE: frozenset[Role] = frozenset()
#: Required roles of what only organisers, broadcasters or owners may do (owners may do all).
ORGANISERS = frozenset({Role.ORGANISER})
BROADCASTERS = frozenset({Role.BROADCASTER})
OWNERS = frozenset({Role.OWNER})
#: Who may manage an action: organisers (any), and hosts (their own, checked per action).
MANAGERS = frozenset({Role.ORGANISER, Role.HOST})


def held_roles(
    user_id: int, stored: frozenset[Role], owner_ids: Collection[int]
) -> frozenset[Role]:
    """The roles a user holds: those stored, plus owner when the settings name them."""
    return stored | {Role.OWNER} if user_id in owner_ids else stored


def allowed(held: frozenset[Role], required: frozenset[Role]) -> bool:
    """True when ``held`` satisfies ``required``: any one of them does, and an owner may do all."""
    return not required or Role.OWNER in held or bool(held & required)


_ROLE_WORDS = {
    "organiser": Role.ORGANISER,
    "organizer": Role.ORGANISER,
    "broadcaster": Role.BROADCASTER,
}


def may_manage(held: frozenset[Role], user_id: int, host_id: int | None) -> bool:
    """Edit, cancel, see and review an action: an organiser or owner any, its host their own,
    while they hold the host role (an owner who revokes it takes the action's rights away too:
    the action keeps its host, for the record)."""
    if allowed(held, ORGANISERS):
        return True
    return host_id is not None and host_id == user_id and Role.HOST in held


def parse_grantable_role(word: str) -> Role | None:
    """The role an owner typed after /grant, /revoke or /invite (either spelling of organiser)."""
    return _ROLE_WORDS.get(word.strip().lower())
