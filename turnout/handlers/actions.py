"""/actions, action cards (also from ``/start act_<id>``), and "Add to calendar"."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.helpers import create_deep_linked_url

from turnout.bot.context import TurnoutContext
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.permissions import may_manage
from turnout.storage import Action
from turnout.views.actions import PAGE_SIZE, action_list, card, display_zone
from turnout.views.ics import action_calendar
from turnout.views.reply import Reply


def reader_timezone(context: TurnoutContext) -> str:
    return context.member.timezone if context.member else context.settings.timezone


def action_zone(context: TurnoutContext, action: Action) -> str:
    """The zone an action's time is shown and read in (see ``display_zone``)."""
    return display_zone(action, reader_timezone(context))


async def manages(context: TurnoutContext, user_id: int, action: Action) -> bool:
    """An organiser (any action) or the action's host."""
    return may_manage(await context.roles_of(user_id), user_id, action.host_id)


async def render_card(update: Update, context: TurnoutContext, action: Action) -> Reply:
    """The card as this user should see it: their answer, their timezone, organiser buttons."""
    user = update.effective_user
    assert user is not None
    mine = await context.store.rsvp_of(action.id, user.id)
    organiser = await manages(context, user.id, action)
    counts = await context.store.rsvp_counts(action.id)
    return card(context.t, action, counts, mine, action_zone(context, action), organiser=organiser)


async def show_actions(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    reply = await _page(context, 0)
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def page_button(update: Update, context: TurnoutContext) -> None:
    """``acts:<page>``: Prev / Next under the list."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    page = query.data.partition(":")[2]
    reply = await _page(context, as_id(page) or 0)
    await query.answer()
    await edit_in_place(query, reply.text, reply.markup)


async def open_card(update: Update, context: TurnoutContext) -> None:
    """``act:<id>``: a card from the list, sent as a new message so the list stays."""
    query = update.callback_query
    assert query is not None
    action = await _action_of(context, query.data)
    if action is None:
        await query.answer(context.t("card.gone"), show_alert=True)
        return
    await query.answer()
    reply = await render_card(update, context, action)
    await context.bot.send_message(query.from_user.id, reply.text, reply_markup=reply.markup)


async def show_card(update: Update, context: TurnoutContext, action_id: int) -> None:
    """``/start act_<id>``: the deep link of a shared action."""
    message = update.effective_message
    assert message is not None
    action = await context.store.action(action_id)
    if action is None:
        await message.reply_text(context.t("card.gone"))
        return
    reply = await render_card(update, context, action)
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def calendar_button(update: Update, context: TurnoutContext) -> None:
    """``ics:<id>``: the action as an .ics file."""
    query = update.callback_query
    assert query is not None
    action = await _action_of(context, query.data)
    if action is None:
        await query.answer(context.t("card.gone"), show_alert=True)
        return
    link = create_deep_linked_url(context.bot.username, f"act_{action.id}")
    data = action_calendar(action, f"{context.bot.username}.t.me", link, context.now())
    await query.answer()
    await context.bot.send_document(
        query.from_user.id,
        InputFile(data, filename=f"action-{action.id}.ics"),
        caption=context.t("card.calendar_caption"),
    )


async def _page(context: TurnoutContext, page: int) -> Reply:
    now = context.now()
    total = await context.store.count_upcoming_actions(now)
    page = max(0, min(page, max(0, (total - 1) // PAGE_SIZE)))
    actions = await context.store.upcoming_actions(now, PAGE_SIZE, page * PAGE_SIZE)
    return action_list(context.t, actions, page, total, reader_timezone(context))


async def _action_of(context: TurnoutContext, data: str | None) -> Action | None:
    """The action named after the first colon of some callback data."""
    number = (data or "").split(":")[1] if ":" in (data or "") else ""
    return await context.store.action(as_id(number) or 0)
