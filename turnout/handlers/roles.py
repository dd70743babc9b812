"""Owners hand out and take back roles: /grant, /revoke, /roles and the Revoke buttons."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from turnout.bot.context import TurnoutContext
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.i18n import N_
from turnout.permissions import parse_grantable_role
from turnout.storage import Role
from turnout.views.roles import role_name, roles_overview

log = logging.getLogger(__name__)


async def grant(update: Update, context: TurnoutContext) -> None:
    await _change(update, context, granting=True)


async def revoke(update: Update, context: TurnoutContext) -> None:
    await _change(update, context, granting=False)


async def list_roles(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    reply = roles_overview(
        context.t, context.settings.owner_ids, await context.store.role_holders()
    )
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def revoke_button(update: Update, context: TurnoutContext) -> None:
    """``role:revoke:<user id>:<role>`` from the /roles list."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, _, user_text, role_text = [*query.data.split(":"), "", "", ""][:4]
    role = parse_grantable_role(role_text)
    if as_id(user_text) is None or role is None:
        await query.answer(context.t("roles.bad_button"), show_alert=True)
        return
    user_id = int(user_text)
    revoked = await context.store.revoke_role(user_id, role, query.from_user.id, context.now())
    await query.answer(context.t("roles.revoked_short" if revoked else "roles.not_held_short"))
    if revoked:
        await _after_change(context, user_id, role, granted=False)
    reply = roles_overview(
        context.t, context.settings.owner_ids, await context.store.role_holders()
    )
    if query.message is not None:
        await edit_in_place(query, reply.text, reply.markup)


async def _change(update: Update, context: TurnoutContext, *, granting: bool) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    t = context.t
    usage = t("roles.usage.grant" if granting else "roles.usage.revoke")
    args = context.args or []
    if len(args) != 2 or as_id(args[0]) is None:
        await message.reply_text(usage)
        return
    user_id, role = int(args[0]), parse_grantable_role(args[1])
    if role is None:
        await message.reply_text(t("roles.unknown_role", role=args[1]) + "\n" + usage)
        return
    target = await context.store.member(user_id)
    if target is None:
        await message.reply_text(t("roles.not_a_member", user_id=user_id, role=args[1].lower()))
        return
    actor, now = update.effective_user.id, context.now()
    if granting:
        changed = await context.store.grant_role(user_id, role, actor, now)
        key = N_("roles.granted") if changed else N_("roles.already_held")
    else:
        changed = await context.store.revoke_role(user_id, role, actor, now)
        key = N_("roles.revoked") if changed else N_("roles.not_held")
    await message.reply_text(
        t(key, name=target.first_name, user_id=user_id, role=role_name(t, role))
    )
    if changed:
        await _after_change(context, user_id, role, granted=granting)


async def _after_change(
    context: TurnoutContext, user_id: int, role: Role, *, granted: bool
) -> None:
    """Refresh the user's command menu and tell them, in their language."""
    await context.refresh_menu(user_id)
    member = await context.store.member(user_id)
    t = context.catalogs.translator(member.language if member else None)
    text = t(
        "roles.you_were_granted" if granted else "roles.you_were_revoked",
        role=role_name(t, role),
    )
    try:
        await context.bot.send_message(user_id, text)
    except TelegramError as error:
        # They may have blocked the bot; the role change stands all the same.
        log.info("could not tell user %s about their role change: %s", user_id, error)
