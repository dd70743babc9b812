"""/invite: one-time links that grant a role, and redeeming them (a link into the bot)."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import ensure_member
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.i18n import N_
from turnout.permissions import parse_grantable_role
from turnout.storage import InviteOutcome, Role
from turnout.usecases import roles
from turnout.views.buttons import InviteFor
from turnout.views.links import Link, deep_link
from turnout.views.roles import invite_choice, invite_created, role_name

_OUTCOME_KEYS = {
    InviteOutcome.GRANTED: N_("invite.redeemed"),
    InviteOutcome.ALREADY_HELD: N_("invite.already_held"),
    InviteOutcome.USED: N_("invite.used"),
    InviteOutcome.EXPIRED: N_("invite.expired"),
    InviteOutcome.UNKNOWN: N_("invite.unknown"),
}


async def invite(update: Update, context: TurnoutContext) -> None:
    args = context.args or []
    if not args:
        await reply(update, invite_choice(context.t))
        return
    role = parse_grantable_role(args[0])
    if role is None:
        await reply(update, context.t("roles.unknown_role", role=args[0]))
        return
    await reply(update, await _create(update, context, role))


async def invite_button(update: Update, context: TurnoutContext, data: InviteFor) -> None:
    """A role chosen from the /invite buttons."""
    query = update.callback_query
    assert query is not None
    role = parse_grantable_role(data.role)
    if role is None:  # owner and host are not handed out by link
        await query.answer(context.t("roles.bad_button"), show_alert=True)
        return
    text = await _create(update, context, role)
    await query.answer()
    await edit_in_place(query, text)


async def redeem(update: Update, context: TurnoutContext, token: str) -> None:
    """Grant the invite's role to this user if they are the first to open it in time."""
    assert update.effective_user is not None
    result = await roles.redeem(context.services, update.effective_user.id, token)
    role = role_name(context.t, result.role) if result.role else ""
    await reply(update, context.t(_OUTCOME_KEYS[result.outcome], role=role))


async def _create(update: Update, context: TurnoutContext, role: Role) -> str:
    """A fresh invite, and its link for the owner."""
    member, _ = await ensure_member(update, context)
    new_invite = await roles.create_invite(context.services, member.user_id, role)
    link = deep_link(context.services.bot_username, Link("inv", new_invite.token))
    return invite_created(context.t, new_invite, link, member.timezone).text
