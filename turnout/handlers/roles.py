"""Owners hand out and take back roles: /grant, /revoke, /roles and the Revoke buttons."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.arguments import as_id
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.i18n import N_
from turnout.permissions import parse_grantable_role
from turnout.usecases import roles
from turnout.usecases.errors import Invalid
from turnout.views.buttons import RevokeRole
from turnout.views.roles import role_name, roles_overview


async def grant(update: Update, context: TurnoutContext) -> None:
    await _change(update, context, granting=True)


async def revoke(update: Update, context: TurnoutContext) -> None:
    await _change(update, context, granting=False)


async def list_roles(update: Update, context: TurnoutContext) -> None:
    holders = await roles.holders(context.services)
    await reply(update, roles_overview(context.t, context.settings.owner_ids, holders))


async def revoke_button(update: Update, context: TurnoutContext, data: RevokeRole) -> None:
    """Revoke, from the /roles list."""
    query = update.callback_query
    assert query is not None
    revoked = await roles.revoke(context.services, query.from_user.id, data.user, data.role)
    await query.answer(context.t("roles.revoked_short" if revoked else "roles.not_held_short"))
    holders = await roles.holders(context.services)
    overview = roles_overview(context.t, context.settings.owner_ids, holders)
    if query.message is not None:
        await edit_in_place(query, overview.text, overview.markup)


async def _change(update: Update, context: TurnoutContext, *, granting: bool) -> None:
    assert update.effective_user is not None
    t, s, actor = context.t, context.services, update.effective_user.id
    usage = N_("roles.usage.grant") if granting else N_("roles.usage.revoke")
    args = context.args or []
    if len(args) != 2 or as_id(args[0]) is None:
        raise Invalid(usage)
    user_id, role = int(args[0]), parse_grantable_role(args[1])
    if role is None:
        await reply(update, t("roles.unknown_role", role=args[1]) + "\n" + t(usage))
        return
    if granting:
        target, changed = await roles.grant(s, actor, user_id, role)
        key = N_("roles.granted") if changed else N_("roles.already_held")
        name = target.first_name
    else:
        changed = await roles.revoke(s, actor, user_id, role)
        key = N_("roles.revoked") if changed else N_("roles.not_held")
        member = await context.store.member(user_id)
        name = member.first_name if member else str(user_id)
    await reply(update, t(key, name=name, user_id=user_id, role=role_name(t, role)))
