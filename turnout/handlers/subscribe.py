"""/subscribe, /unsubscribe and the subscribe button: new calls delivered to the private chat."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import edit_buttons_in_place, reply
from turnout.usecases import members
from turnout.views.buttons import Subscription
from turnout.views.members import subscription_changed


async def subscribe(update: Update, context: TurnoutContext) -> None:
    await _set(update, context, subscribed=True)


async def unsubscribe(update: Update, context: TurnoutContext) -> None:
    await _set(update, context, subscribed=False)


async def subscription_button(update: Update, context: TurnoutContext, data: Subscription) -> None:
    query = update.callback_query
    assert query is not None
    subscribed = data.state == "on"
    member = await known_member(update, context)
    await members.subscribe(context.services, member.user_id, subscribed)
    answer = subscription_changed(context.t, subscribed)
    await query.answer(answer.text)
    if query.message is not None:
        await edit_buttons_in_place(query, answer.markup)


async def _set(update: Update, context: TurnoutContext, *, subscribed: bool) -> None:
    member = await known_member(update, context)
    await members.subscribe(context.services, member.user_id, subscribed)
    await reply(update, subscription_changed(context.t, subscribed))
