"""Roles: owners granting and revoking them, and one-time invite links that grant one. Every
change is audited by the store; whoever's roles change is told, and sees their new menu."""

from __future__ import annotations

import secrets
from datetime import timedelta

from turnout.i18n import N_
from turnout.permissions import OWNERS, allowed
from turnout.storage import Invite, InviteOutcome, Member, Redemption, Role, RoleGrant
from turnout.storage.purposes import RoleChange, stamp
from turnout.usecases.errors import Gone, NotAllowed
from turnout.usecases.services import Services
from turnout.usecases.telling import tell
from turnout.views.roles import role_name

INVITE_LIFETIME = timedelta(hours=48)
# 18 random bytes make 24 URL-safe characters: unguessable, and well within Telegram's
# 64-character limit for a /start payload (with the "inv_" prefix).
TOKEN_BYTES = 18


async def grant(s: Services, actor: int, user_id: int, role: Role) -> tuple[Member, bool]:
    """Give ``role`` to a member; False when they held it already."""
    target = await _owner_on(s, actor, user_id, role)
    changed = await s.store.grant_role(user_id, role, actor, s.now())
    if changed:
        await _changed(s, user_id, role, granted=True)
    return target, changed


async def revoke(s: Services, actor: int, user_id: int, role: Role) -> bool:
    """Take ``role`` away; False when it was not held."""
    if not allowed(await s.roles_of(actor), OWNERS):
        raise NotAllowed()
    changed = await s.store.revoke_role(user_id, role, actor, s.now())
    if changed:
        await _changed(s, user_id, role, granted=False)
    return changed


async def holders(s: Services) -> list[RoleGrant]:
    return await s.store.role_holders()


async def create_invite(s: Services, actor: int, role: Role) -> Invite:
    """A one-time link that grants ``role``, valid for 48 hours."""
    if not allowed(await s.roles_of(actor), OWNERS):
        raise NotAllowed()
    now = s.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return await s.store.create_invite(token, role, actor, now, now + INVITE_LIFETIME)


async def redeem(s: Services, user_id: int, token: str) -> Redemption:
    """The first to open an invite in time gets its role."""
    result = await s.store.redeem_invite(token, user_id, s.now())
    if result.outcome is InviteOutcome.GRANTED:
        await s.hooks.roles_changed(user_id)
    return result


async def _owner_on(s: Services, actor: int, user_id: int, role: Role) -> Member:
    if not allowed(await s.roles_of(actor), OWNERS):
        raise NotAllowed()
    target = await s.store.member(user_id)
    if target is None:
        raise Gone("roles.not_a_member", user_id=user_id, role=role.value)
    return target


async def _changed(s: Services, user_id: int, role: Role, *, granted: bool) -> None:
    """Their menu now, and a message in their language (through the outbox: they may have
    blocked the bot; the change stands all the same)."""
    await s.hooks.roles_changed(user_id)
    key = N_("roles.you_were_granted") if granted else N_("roles.you_were_revoked")
    await tell(
        s, RoleChange(user_id, stamp(s.now())), user_id, lambda t: t(key, role=role_name(t, role))
    )
