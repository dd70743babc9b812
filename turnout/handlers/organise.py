"""The organiser's side of a card: editing any field, moving the time, cancelling.

A change of time or place, or a cancellation, is announced to everyone who answered Going,
Maybe or joined the waitlist: the notice waits two minutes, and edits made meanwhile are merged
into it, so a burst of corrections makes one notice. A cancellation goes out at once. A new time
replaces the reminders of the old one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from turnout.bot.context import TurnoutContext
from turnout.config import parse_duration
from turnout.handlers.actions import action_zone, manages, render_card
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.newaction import MAX_DESCRIPTION, MAX_TITLE
from turnout.handlers.registry import conversation_handler, guarded, refuse, stopper
from turnout.handlers.rsvp import tell_promoted
from turnout.handlers.timeinput import AMBIGUITIES, REFUSALS
from turnout.i18n import N_
from turnout.permissions import MANAGERS, ORGANISERS, allowed
from turnout.scheduler.planner import wake_planner_at_next
from turnout.scheduler.reminders import plan_reminders
from turnout.scheduler.timeparse import Ambiguous, Parsed, Refused, parse_time
from turnout.storage import Action, ActionStatus
from turnout.views.actions import EDITABLE_FIELDS, edit_menu
from turnout.views.timefmt import local_time

#: Edits closer together than this make one change notice.
NOTICE_DELAY = timedelta(minutes=2)
VALUE = 0
EDITING = "editing"


async def organiser_button(update: Update, context: TurnoutContext) -> None:
    """``org:<id>:edit`` shows the fields; ``org:<id>:cancel`` asks; ``…:cancel_yes`` does."""
    query = update.callback_query
    assert query is not None
    _, action_text, verb = [*(query.data or "").split(":"), "", ""][:3]
    action = await context.store.action(as_id(action_text) or 0)
    if action is None or action.status is not ActionStatus.PLANNED:
        await query.answer(context.t("card.gone"), show_alert=True)
        return
    if not await manages(context, query.from_user.id, action):
        await refuse(update, context)
        return
    t = context.t
    if verb == "edit":
        await query.answer()
        organiser = allowed(await context.roles_of(query.from_user.id), ORGANISERS)
        menu = edit_menu(t, action, organiser=organiser)
        await context.bot.send_message(query.from_user.id, menu.text, reply_markup=menu.markup)
        return
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
        await edit_in_place(query, reply.text, reply.markup)
        return
    await query.answer(context.t("roles.bad_button"), show_alert=True)


async def choose_field(update: Update, context: TurnoutContext) -> int:
    """``org:<id>:field:<name>``: ask for the new value."""
    query = update.callback_query
    assert query is not None
    match = re.fullmatch(r"org:(\d+):field:(\w+)", query.data or "")
    action = await context.store.action(int(match[1])) if match else None
    if match is None or action is None or match[2] not in EDITABLE_FIELDS:
        await query.answer(context.t("card.gone"), show_alert=True)
        return ConversationHandler.END
    if not await manages(context, query.from_user.id, action):
        await refuse(update, context)
        return ConversationHandler.END
    await query.answer()
    if context.user_data is not None:
        context.user_data[EDITING] = (action.id, match[2])
    prompt = {
        "title": N_("edit.ask.title"),
        "time": N_("edit.ask.time"),
        "place": N_("edit.ask.place"),
        "description": N_("edit.ask.description"),
        "capacity": N_("edit.ask.capacity"),
        "reminders": N_("edit.ask.reminders"),
        "campaign": N_("edit.ask.campaign"),
    }[match[2]]
    await context.bot.send_message(
        query.from_user.id, context.t(prompt, timezone=action_zone(context, action))
    )
    return VALUE


async def new_value(update: Update, context: TurnoutContext) -> int:
    """The organiser's answer: check it, apply it, show the card again."""
    editing = context.user_data.get(EDITING) if context.user_data is not None else None
    message = update.effective_message
    assert message is not None
    assert update.effective_user is not None
    if not isinstance(editing, tuple):
        return ConversationHandler.END
    action_id, field = editing
    action = await context.store.action(action_id)
    if action is None or action.status is not ActionStatus.PLANNED:
        await message.reply_text(context.t("card.gone"))
        return ConversationHandler.END
    # Checked again at the write: a host's rights are per action, and roles can change.
    if not await manages(context, update.effective_user.id, action):
        await refuse(update, context)
        return ConversationHandler.END
    problem = await _apply(update, context, action, field)
    if problem is not None:
        await message.reply_text(problem)
        return VALUE
    if context.user_data is not None:
        context.user_data.pop(EDITING, None)
    updated = await context.store.action(action_id)
    assert updated is not None
    reply = await render_card(update, context, updated)
    await message.reply_text(context.t("edit.saved"))
    await message.reply_text(reply.text, reply_markup=reply.markup)
    return ConversationHandler.END


async def pick_time(update: Update, context: TurnoutContext) -> int:
    """``ed:pick:<n>``: one of two readings of an ambiguous time."""
    query = update.callback_query
    assert query is not None
    options = context.user_data.get("edit_options") if context.user_data is not None else None
    index = (query.data or "").rpartition(":")[2]
    editing = context.user_data.get(EDITING) if context.user_data is not None else None
    await query.answer()
    chosen = as_id(index)
    if not (isinstance(options, tuple) and chosen is not None and chosen < len(options)):
        return VALUE
    if not isinstance(editing, tuple):
        return ConversationHandler.END
    action = await context.store.action(editing[0])
    if action is None:
        return ConversationHandler.END
    if not await manages(context, query.from_user.id, action):
        await refuse(update, context)
        return ConversationHandler.END
    moved = await _move(context, action, options[chosen], query.from_user.id)
    if context.user_data is not None:
        context.user_data.pop(EDITING, None)
    if not moved:
        await context.bot.send_message(query.from_user.id, context.t("card.gone"))
        return ConversationHandler.END
    updated = await context.store.action(action.id)
    assert updated is not None
    reply = await render_card(update, context, updated)
    await context.bot.send_message(query.from_user.id, reply.text, reply_markup=reply.markup)
    return ConversationHandler.END


async def _apply(update: Update, context: TurnoutContext, action: Action, field: str) -> str | None:
    """Make the change; return what is wrong with the value instead, if anything."""
    message = update.effective_message
    assert message is not None
    assert update.effective_user is not None
    t, store, now, actor = context.t, context.store, context.now(), update.effective_user.id
    text = (message.text or "").strip()
    if field == "title":
        if not text or len(text) > MAX_TITLE:
            return t("newaction.bad_title", limit=MAX_TITLE)
        if await store.edit_action(action.id, {"title": text}, actor, now) is None:
            return t("card.gone")
    elif field == "description":
        if len(text) > MAX_DESCRIPTION:
            return t("newaction.bad_description", limit=MAX_DESCRIPTION)
        description = "" if text == "-" else text
        if await store.edit_action(action.id, {"description": description}, actor, now) is None:
            return t("card.gone")
    elif field == "place":
        changes: dict[str, Any]
        if message.venue is not None:
            location = message.venue.location
            changes = {
                "place": f"{message.venue.title}, {message.venue.address}".strip(", "),
                "latitude": location.latitude,
                "longitude": location.longitude,
            }
        elif message.location is not None:
            changes = {
                "latitude": message.location.latitude,
                "longitude": message.location.longitude,
            }
        elif text:
            changes = {"place": text[:300], "latitude": None, "longitude": None}
        else:
            return t("newaction.bad_place")
        if await store.edit_action(action.id, changes, actor, now) is None:
            return t("card.gone")
        await store.plan_notice(action.id, {"place"}, now + NOTICE_DELAY)
        await wake_planner_at_next(context.application)
    elif field == "capacity":
        if text.lower() in ("0", "-", "none"):
            capacity = None
        elif (as_id(text) or 0) > 0:
            capacity = int(text)
        else:
            return t("edit.bad_capacity")
        if await store.edit_action(action.id, {"capacity": capacity}, actor, now) is None:
            return t("card.gone")
        promoted = await store.fill_from_waitlist(action.id, now)
        await tell_promoted(context, action, promoted)
    elif field == "reminders":
        try:
            offsets = (
                []
                if text.lower() in ("-", "none")
                else [parse_duration(part) for part in re.split(r"[,\s]+", text) if part]
            )
        except ValueError:
            return t("newaction.bad_reminders")
        minutes = tuple(sorted({int(o.total_seconds() // 60) for o in offsets}, reverse=True))
        if await store.edit_action(action.id, {"reminder_minutes": minutes}, actor, now) is None:
            return t("card.gone")
        # Re-planned from the stored time: another organiser may have just moved it.
        await store.move_action(action.id, None, _planner(now), actor, now)
        await wake_planner_at_next(context.application)
    elif field == "campaign":
        if not allowed(await context.roles_of(actor), ORGANISERS):
            return t("access.refused")
        campaign = None if text == "-" else await store.campaign_named(text[:100])
        if text != "-" and campaign is None:
            return t("export.no_campaign", name=text[:100])
        changes = {"campaign_id": campaign.id if campaign else None}
        if await store.edit_action(action.id, changes, actor, now) is None:
            return t("card.gone")
    elif field == "time":
        zone = action_zone(context, action)
        reading = parse_time(text, zone, now)
        if isinstance(reading, Refused):
            hint = local_time(reading.suggestion, zone, t.language) if reading.suggestion else ""
            return t(REFUSALS[reading.reason], suggestion=hint, timezone=zone)
        if isinstance(reading, Ambiguous):
            if context.user_data is not None:
                context.user_data["edit_options"] = reading.options
            buttons = [
                [
                    InlineKeyboardButton(
                        local_time(o, zone, t.language), callback_data=f"ed:pick:{i}"
                    )
                ]
                for i, o in enumerate(reading.options)
            ]
            await message.reply_text(
                t(AMBIGUITIES[reading.reason]), reply_markup=InlineKeyboardMarkup(buttons)
            )
            return t("edit.pick_above")
        assert isinstance(reading, Parsed)
        if not await _move(context, action, reading.at, actor):
            return t("card.gone")
    return None


async def _move(context: TurnoutContext, action: Action, starts_at: Any, actor: int) -> bool:
    """A new time: new reminders, and a change notice for everyone who answered. False if
    the action was cancelled meanwhile."""
    now = context.now()
    if await context.store.move_action(action.id, starts_at, _planner(now), actor, now) is None:
        return False
    await context.store.plan_notice(action.id, {"time"}, now + NOTICE_DELAY)
    await wake_planner_at_next(context.application)
    return True


def _planner(now: datetime) -> Callable[[Action], list[tuple[int, datetime]]]:
    """Reminders planned from the action as stored (its time and its reminder choice)."""
    return lambda action: plan_reminders(action.starts_at, action.reminder_minutes, now)


def edit_conversation() -> ConversationHandler[TurnoutContext]:
    """Editing one field: entered by a field button, checked against the roles at each step."""
    value = (filters.TEXT & ~filters.COMMAND) | filters.LOCATION | filters.VENUE
    handlers: list[BaseHandler[Update, TurnoutContext, Any]] = [
        MessageHandler(value, guarded(new_value, MANAGERS)),
        CallbackQueryHandler(guarded(pick_time, MANAGERS), pattern=r"^ed:pick:\d+$"),
    ]
    return conversation_handler(
        entry_points=[
            CallbackQueryHandler(guarded(choose_field, MANAGERS), pattern=r"^org:\d+:field:")
        ],
        states={VALUE: handlers},
        fallbacks=[CommandHandler("cancel", stopper(N_("edit.stopped"), EDITING))],
        name="edit-action",
        allow_reentry=True,
    )
