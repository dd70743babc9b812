"""/invite: one-time links that grant a role, and redeeming them through ``/start inv_<token>``."""

from __future__ import annotations

import secrets
from datetime import timedelta

from telegram import Update
from telegram.helpers import create_deep_linked_url

from turnout.bot.context import TurnoutContext
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.members import ensure_member
from turnout.i18n import N_
from turnout.permissions import parse_grantable_role
from turnout.storage import InviteOutcome, Role
from turnout.views.roles import invite_choice, invite_created, role_name

INVITE_LIFETIME = timedelta(hours=48)
# 18 random bytes make 24 URL-safe characters: unguessable, and well within Telegram's
# 64-character limit for a /start payload (with the "inv_" prefix).
TOKEN_BYTES = 18

_OUTCOME_KEYS = {
    InviteOutcome.GRANTED: N_("invite.redeemed"),
    InviteOutcome.ALREADY_HELD: N_("invite.already_held"),
    InviteOutcome.USED: N_("invite.used"),
    InviteOutcome.EXPIRED: N_("invite.expired"),
    InviteOutcome.UNKNOWN: N_("invite.unknown"),
}


async def invite(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    args = context.args or []
    if not args:
        reply = invite_choice(context.t)
        await message.reply_text(reply.text, reply_markup=reply.markup)
        return
    role = parse_grantable_role(args[0])
    if role is None:
        await message.reply_text(context.t("roles.unknown_role", role=args[0]))
        return
    text = await _create(update, context, role)
    await message.reply_text(text)


async def invite_button(update: Update, context: TurnoutContext) -> None:
    """``invite:<role>`` from the /invite role choice."""
    query = update.callback_query
    assert query is not None and query.data is not None
    role = parse_grantable_role(query.data.partition(":")[2])
    if role is None:
        await query.answer(context.t("roles.bad_button"), show_alert=True)
        return
    text = await _create(update, context, role)
    await query.answer()
    await edit_in_place(query, text)


async def redeem_invite(update: Update, context: TurnoutContext, token: str) -> None:
    """Grant the invite's role to this user if they are the first to open it in time."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    user_id = update.effective_user.id
    result = await context.store.redeem_invite(token, user_id, context.now())
    role = role_name(context.t, result.role) if result.role else ""
    await message.reply_text(context.t(_OUTCOME_KEYS[result.outcome], role=role))
    if result.outcome is InviteOutcome.GRANTED:
        await context.refresh_menu(user_id)


async def _create(update: Update, context: TurnoutContext, role: Role) -> str:
    """Store a fresh invite and render its link for the owner."""
    assert update.effective_user is not None
    member, _ = await ensure_member(update, context)
    now = context.now()
    new_invite = await context.store.create_invite(
        secrets.token_urlsafe(TOKEN_BYTES),
        role,
        update.effective_user.id,
        now,
        now + INVITE_LIFETIME,
    )
    link = create_deep_linked_url(context.bot.username, f"inv_{new_invite.token}")
    return invite_created(context.t, new_invite, link, member.timezone).text
