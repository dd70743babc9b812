"""The organiser's side of a card: cancelling an action (after a confirmation).

A cancellation skips every reminder of the action and tells everyone who answered Going, Maybe
or joined the waitlist, through the outbox, merged with any change notice still waiting.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from turnout.bot.context import TurnoutContext
from turnout.handlers.actions import render_card
from turnout.scheduler.planner import wake_planner_at_next
from turnout.storage import ActionStatus


async def organiser_button(update: Update, context: TurnoutContext) -> None:
    """``org:<action id>:cancel`` asks; ``org:<action id>:cancel_yes`` does it."""
    query = update.callback_query
    assert query is not None
    _, action_text, verb = [*(query.data or "").split(":"), "", ""][:3]
    action = await context.store.action(int(action_text)) if action_text.isdigit() else None
    if action is None or action.status is not ActionStatus.PLANNED:
        await query.answer(context.t("card.gone"), show_alert=True)
        return
    t = context.t
    if verb == "cancel":
        await query.answer()
        confirm = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("organise.cancel_yes"), callback_data=f"org:{action.id}:cancel_yes"
                    )
                ],
                [InlineKeyboardButton(t("organise.cancel_no"), callback_data=f"act:{action.id}")],
            ]
        )
        await context.bot.send_message(
            query.from_user.id,
            t("organise.cancel_confirm", title=action.title),
            reply_markup=confirm,
        )
        return
    if verb == "cancel_yes":
        now = context.now()
        cancelled = await context.store.cancel_action(action.id, query.from_user.id, now)
        if cancelled is None:
            await query.answer(context.t("card.gone"), show_alert=True)
            return
        await context.store.plan_notice(action.id, {"cancelled"}, now)
        await wake_planner_at_next(context.application)
        await query.answer(t("organise.cancelled"))
        reply = await render_card(update, context, cancelled)
        await query.edit_message_text(reply.text, reply_markup=reply.markup)
        return
    await query.answer(context.t("roles.bad_button"), show_alert=True)
