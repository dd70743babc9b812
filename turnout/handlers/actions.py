"""/actions (with the actions under way at the top), action cards (also from a link into the
bot), and "Add to calendar". A card an organiser or the host opens on the day of the action is
kept up to date as people check in (``usecases.checkins.watch_card``)."""

from __future__ import annotations

from telegram import CallbackQuery, InputFile, Update
from telegram.error import Forbidden

from turnout.handlers.common.cards import action_card
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.usecases import checkins
from turnout.usecases.actions import shown
from turnout.views.actions import PAGE_SIZE, action_list
from turnout.views.buttons import ActionsPage, CalendarFile, OpenAction
from turnout.views.ics import action_calendar
from turnout.views.links import Link, deep_link
from turnout.views.reply import Reply


async def show_actions(update: Update, context: TurnoutContext) -> None:
    await reply(update, await _page(context, 0))


async def page_button(update: Update, context: TurnoutContext, data: ActionsPage) -> None:
    """Previous / Next under the list."""
    query = update.callback_query
    assert query is not None
    page = await _page(context, data.page)
    await query.answer()
    await edit_in_place(query, page.text, page.markup)


async def open_card(update: Update, context: TurnoutContext, data: OpenAction) -> None:
    """A card from a list, sent as a new message so the list stays. Pressed in a group (the
    review chat), the card goes to the presser's private chat, and the toast says so."""
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    action = await shown(context.services, data.action)
    card = await action_card(context, user_id, action)
    try:
        sent = await context.bot.send_message(user_id, card.text, reply_markup=card.markup)
    except Forbidden:
        # Never opened a private chat with the bot (or blocked it): nowhere to send it.
        await query.answer(context.t("card.open_private_first"), show_alert=True)
        return
    await query.answer(_where(query, context))
    await checkins.watch_card(context.services, user_id, user_id, action, sent.message_id)


async def show_card(update: Update, context: TurnoutContext, action_id: int) -> None:
    """The card of a shared action (a link into the bot)."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    action = await shown(context.services, action_id)
    sent = await reply(update, await action_card(context, user_id, action))
    await checkins.watch_card(context.services, user_id, sent.chat_id, action, sent.message_id)


async def calendar_button(update: Update, context: TurnoutContext, data: CalendarFile) -> None:
    """The action as an .ics file."""
    query = update.callback_query
    assert query is not None
    action = await shown(context.services, data.action)
    username = context.bot.username
    link = deep_link(username, Link("act", action.id))
    ics = action_calendar(action, f"{username}.t.me", link, context.now())
    try:
        await context.bot.send_document(
            query.from_user.id,
            InputFile(ics, filename=f"action-{action.id}.ics"),
            caption=context.t("card.calendar_caption"),
        )
    except Forbidden:
        await query.answer(context.t("card.open_private_first"), show_alert=True)
        return
    await query.answer(_where(query, context))


def _where(query: CallbackQuery, context: TurnoutContext) -> str | None:
    """A toast when what was asked for went elsewhere than the chat of the button."""
    message = query.message
    if message is not None and message.chat.id != query.from_user.id:
        return context.t("card.sent_privately")
    return None


async def _page(context: TurnoutContext, page: int) -> Reply:
    """Actions under way first (so that their card, with "I'm here", is at hand), then those
    to come, paged together."""
    now, store = context.now(), context.store
    live = await store.count_actions_under_way(now)
    total = live + await store.count_upcoming_actions(now)
    page = max(0, min(page, max(0, (total - 1) // PAGE_SIZE)))
    first = page * PAGE_SIZE
    actions = await store.actions_under_way(now, PAGE_SIZE, first) if first < live else []
    if room := PAGE_SIZE - len(actions):
        actions += await store.upcoming_actions(now, room, max(0, first - live))
    return action_list(context.t, actions, page, total, context.timezone, now)
