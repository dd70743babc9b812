"""/subscribe, /unsubscribe and the subscribe button: new calls delivered to the private chat."""

from __future__ import annotations

from telegram import Update

from turnout.bot.context import TurnoutContext
from turnout.handlers.inplace import edit_buttons_in_place
from turnout.handlers.members import ensure_member
from turnout.views.members import SUBSCRIBE, subscription_changed


async def subscribe(update: Update, context: TurnoutContext) -> None:
    await _set(update, context, subscribed=True)


async def unsubscribe(update: Update, context: TurnoutContext) -> None:
    await _set(update, context, subscribed=False)


async def subscription_button(update: Update, context: TurnoutContext) -> None:
    query = update.callback_query
    assert query is not None
    subscribed = query.data == SUBSCRIBE
    await ensure_member(update, context)
    await context.store.set_subscribed(query.from_user.id, subscribed, context.now())
    reply = subscription_changed(context.t, subscribed)
    await query.answer(reply.text)
    if query.message is not None:
        await edit_buttons_in_place(query, reply.markup)


async def _set(update: Update, context: TurnoutContext, *, subscribed: bool) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    await ensure_member(update, context)
    await context.store.set_subscribed(update.effective_user.id, subscribed, context.now())
    reply = subscription_changed(context.t, subscribed)
    await message.reply_text(reply.text, reply_markup=reply.markup)
