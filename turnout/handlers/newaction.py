"""/newaction: the organiser's conversation, one question at a time, with Back and /cancel.

title → city (from the gazetteer, a shared location, a time zone, or "here": the organiser's
zone) → time (read in that city's zone and echoed for confirmation) → place (text, or a location
or venue) → description → capacity → reminders → preview → create.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url

from turnout.bot.context import TurnoutContext
from turnout.config import format_duration, parse_duration
from turnout.handlers.actions import reader_timezone
from turnout.handlers.arguments import as_id
from turnout.handlers.cities import located, offer_cities, picked
from turnout.handlers.registry import conversation_handler
from turnout.handlers.steps import expected, keyboard, say, text_of
from turnout.handlers.timeinput import read_time
from turnout.permissions import allowed
from turnout.places import City
from turnout.scheduler.planner import wake_planner_at_next
from turnout.scheduler.reminders import plan_reminders
from turnout.scheduler.zones import looks_like_zone, resolve_timezone
from turnout.storage import Action, ActionStatus, NewAction, Role, RsvpCounts
from turnout.views.actions import card
from turnout.views.timefmt import local_time

TITLE, TIME, CONFIRM_TIME, PLACE, DESCRIPTION, CAPACITY, REMINDERS, PREVIEW, CITY = range(9)
DRAFT = "new_action"
MAX_TITLE = 120
MAX_DESCRIPTION = 2000


@dataclass
class Draft:
    title: str = ""
    starts_at: datetime | None = None
    options: tuple[datetime, ...] = ()
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    capacity: int | None = None
    reminder_minutes: tuple[int, ...] = field(default_factory=tuple)
    city: City | None = None
    timezone: str = ""
    """Where the time is read and shown; empty: the organiser's own zone."""


def _draft(context: TurnoutContext) -> Draft:
    draft = context.user_data.get(DRAFT) if context.user_data is not None else None
    if not isinstance(draft, Draft):
        draft = Draft()
        if context.user_data is not None:
            context.user_data[DRAFT] = draft
    return draft


async def _ask(update: Update, context: TurnoutContext, state: int) -> int:
    """Put the question of ``state`` to the organiser, with its buttons; return the state."""
    t, draft = context.t, _draft(context)
    back = (t("newaction.button.back"), "na:back")
    if state == TITLE:
        text, markup = t("newaction.ask_title"), None
    elif state == CITY:
        here = reader_timezone(context)
        text = t("newaction.ask_city")
        markup = keyboard([(t("newaction.button.here", timezone=here), "na:here")], [back])
    elif state == TIME:
        text = t("newaction.ask_time", timezone=_zone(context))
        markup = keyboard([back])
    elif state == PLACE:
        text, markup = t("newaction.ask_place"), keyboard([back])
    elif state == DESCRIPTION:
        text = t("newaction.ask_description")
        markup = keyboard([(t("newaction.button.skip"), "na:skip")], [back])
    elif state == CAPACITY:
        text = t("newaction.ask_capacity")
        markup = keyboard([(t("newaction.button.no_limit"), "na:skip")], [back])
    elif state == REMINDERS:
        default = ",".join(format_duration(o) for o in context.settings.reminder_offsets)
        text = t("newaction.ask_reminders", default=default)
        markup = keyboard(
            [(t("newaction.button.default", default=default), "na:skip")],
            [(t("newaction.button.no_reminders"), "na:none")],
            [back],
        )
    else:
        preview = card(
            context.t, _as_action(draft, 0, _zone(context)), RsvpCounts(), None, _zone(context)
        )
        text = t("newaction.preview") + "\n\n" + preview.text
        markup = keyboard(
            [(t("newaction.button.create"), "na:create")],
            [back, (t("newaction.button.cancel"), "na:cancel")],
        )
    message = update.effective_message
    assert message is not None
    if update.callback_query is not None:
        await update.callback_query.answer()
    await context.bot.send_message(message.chat.id, text, reply_markup=markup)
    return state


async def begin(update: Update, context: TurnoutContext) -> int:
    if context.user_data is not None:
        context.user_data[DRAFT] = Draft()
    return await _ask(update, context, TITLE)


async def got_title(update: Update, context: TurnoutContext) -> int:
    text = text_of(update)
    if not text or len(text) > MAX_TITLE:
        await say(update, context.t("newaction.bad_title", limit=MAX_TITLE))
        return TITLE
    _draft(context).title = text
    return await _ask(update, context, CITY)


async def got_city_name(update: Update, context: TurnoutContext) -> int:
    """A city by name (its matches as buttons), or a time zone ("Europe/Lisbon", "UTC+1")
    for an action in no particular city."""
    typed = text_of(update)
    # "UTC" or "CET" would otherwise offer Utrecht or Cetinje first.
    zone = await asyncio.to_thread(resolve_timezone, typed) if looks_like_zone(typed) else None
    if zone is None and await offer_cities(update, context, "na:city"):
        return CITY
    zone = zone or await asyncio.to_thread(resolve_timezone, typed)
    if zone is None:
        await say(update, context.t("propose.no_city", name=typed[:100]))
        return CITY
    _here(_draft(context), zone)
    return await _ask(update, context, TIME)


async def picked_city(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    place = await picked(query.data, reader_timezone(context))
    if place is None:
        await query.answer()
        return CITY
    draft = _draft(context)
    draft.city, draft.timezone = place.city, place.timezone
    # At the city's centre until a place is shared: "near me" finds it all the same.
    draft.latitude, draft.longitude, draft.place = place.latitude, place.longitude, ""
    return await _ask(update, context, TIME)


async def city_by_location(update: Update, context: TurnoutContext) -> int:
    """A shared location or venue: its nearest city, its zone, and the place itself."""
    message = update.effective_message
    assert message is not None
    place = await located(message, reader_timezone(context))
    draft = _draft(context)
    draft.city, draft.timezone = place.city, place.timezone
    draft.latitude, draft.longitude = place.latitude, place.longitude
    draft.place = place.venue
    return await _ask(update, context, TIME)


async def here(update: Update, context: TurnoutContext) -> int:
    """No city: the organiser's own zone, as before local actions."""
    _here(_draft(context), "")
    return await _ask(update, context, TIME)


def _here(draft: Draft, zone: str) -> None:
    """In no city: in ``zone`` (empty: the organiser's), nowhere on the map yet."""
    draft.city, draft.timezone = None, zone
    draft.latitude, draft.longitude, draft.place = None, None, ""


def _zone(context: TurnoutContext) -> str:
    return _draft(context).timezone or reader_timezone(context)


async def got_time(update: Update, context: TurnoutContext) -> int:
    draft = _draft(context)
    reading = await read_time(update, context, _zone(context), "na:pick")
    if reading is None:
        return TIME
    if isinstance(reading, tuple):
        draft.options = reading
        return CONFIRM_TIME
    draft.starts_at = reading
    return await _confirm_time(update, context)


async def _confirm_time(update: Update, context: TurnoutContext) -> int:
    draft, t = _draft(context), context.t
    assert draft.starts_at is not None
    shown = local_time(draft.starts_at, _zone(context), t.language)
    markup = keyboard(
        [(t("newaction.button.yes"), "na:time_ok"), (t("newaction.button.retype"), "na:back")]
    )
    await say(update, t("newaction.confirm_time", time=shown), markup)
    return CONFIRM_TIME


async def picked_time(update: Update, context: TurnoutContext) -> int:
    query, draft = update.callback_query, _draft(context)
    assert query is not None
    index = (query.data or "").rpartition(":")[2]
    if (chosen := as_id(index)) is None or chosen >= len(draft.options):
        await query.answer()
        return CONFIRM_TIME
    draft.starts_at = draft.options[chosen]
    await query.answer()
    return await _confirm_time(update, context)


async def time_confirmed(update: Update, context: TurnoutContext) -> int:
    draft = _draft(context)
    if draft.starts_at is None or draft.starts_at <= context.now():
        return await _ask(update, context, TIME)
    return await _ask(update, context, PLACE)


async def got_place(update: Update, context: TurnoutContext) -> int:
    message, draft = update.effective_message, _draft(context)
    assert message is not None
    if message.venue is not None:
        venue = message.venue
        draft.place = f"{venue.title}, {venue.address}".strip(", ")
        draft.latitude, draft.longitude = venue.location.latitude, venue.location.longitude
    elif message.location is not None:
        draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
    elif message.text and message.text.strip():
        draft.place = message.text.strip()[:300]
    else:
        await say(update, context.t("newaction.bad_place"))
        return PLACE
    return await _ask(update, context, DESCRIPTION)


async def got_description(update: Update, context: TurnoutContext) -> int:
    text = text_of(update)
    if len(text) > MAX_DESCRIPTION:
        await say(update, context.t("newaction.bad_description", limit=MAX_DESCRIPTION))
        return DESCRIPTION
    _draft(context).description = text
    return await _ask(update, context, CAPACITY)


async def got_capacity(update: Update, context: TurnoutContext) -> int:
    text = text_of(update)
    if not 0 < (as_id(text) or 0) <= 1_000_000:
        await say(update, context.t("newaction.bad_capacity"))
        return CAPACITY
    _draft(context).capacity = int(text)
    return await _ask(update, context, REMINDERS)


async def got_reminders(update: Update, context: TurnoutContext) -> int:
    try:
        offsets = [parse_duration(part) for part in re.split(r"[,\s]+", text_of(update)) if part]
    except ValueError:
        offsets = []
    if not offsets:
        await say(update, context.t("newaction.bad_reminders"))
        return REMINDERS
    minutes = sorted({int(o.total_seconds() // 60) for o in offsets}, reverse=True)
    _draft(context).reminder_minutes = tuple(minutes)
    return await _ask(update, context, PREVIEW)


def back_to(state: int) -> Callable[[Update, TurnoutContext], Coroutine[Any, Any, int]]:
    """The "Back" button of a step: ask the question of ``state`` again."""

    async def back(update: Update, context: TurnoutContext) -> int:
        return await _ask(update, context, state)

    return back


async def skip_description(update: Update, context: TurnoutContext) -> int:
    _draft(context).description = ""
    return await _ask(update, context, CAPACITY)


async def no_limit(update: Update, context: TurnoutContext) -> int:
    _draft(context).capacity = None
    return await _ask(update, context, REMINDERS)


async def default_reminders(update: Update, context: TurnoutContext) -> int:
    offsets = context.settings.reminder_offsets
    _draft(context).reminder_minutes = tuple(int(o.total_seconds() // 60) for o in offsets)
    return await _ask(update, context, PREVIEW)


async def no_reminders(update: Update, context: TurnoutContext) -> int:
    _draft(context).reminder_minutes = ()
    return await _ask(update, context, PREVIEW)


async def create(update: Update, context: TurnoutContext) -> int:
    query, draft = update.callback_query, _draft(context)
    assert query is not None
    user = query.from_user
    # Roles may have changed since the conversation began: the write is checked again.
    if not allowed(await context.roles_of(user.id), frozenset({Role.ORGANISER})):
        await query.answer(context.t("access.refused"), show_alert=True)
        return ConversationHandler.END
    now = context.now()
    if draft.starts_at is None or draft.starts_at <= now:
        await query.answer()
        await say(update, context.t("time.past"))
        return await _ask(update, context, TIME)
    new = _as_new(draft, _zone(context))
    plan = plan_reminders(new.starts_at, new.reminder_minutes, now)
    action = await context.store.create_action(new, user.id, plan, now)
    await wake_planner_at_next(context.application)
    await query.answer()
    link = create_deep_linked_url(context.bot.username, f"act_{action.id}")
    await context.bot.send_message(user.id, context.t("newaction.created", link=link))
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


async def cancel(update: Update, context: TurnoutContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, context.t("newaction.cancelled"))
    return ConversationHandler.END


def _as_new(draft: Draft, timezone: str) -> NewAction:
    assert draft.starts_at is not None
    return NewAction(
        title=draft.title,
        description=draft.description,
        starts_at=draft.starts_at,
        timezone=timezone,
        place=draft.place,
        latitude=draft.latitude,
        longitude=draft.longitude,
        capacity=draft.capacity,
        reminder_minutes=draft.reminder_minutes,
        city_id=draft.city.id if draft.city else None,
        city=draft.city.name if draft.city else "",
        country=draft.city.country_code if draft.city else "",
    )


def _as_action(draft: Draft, action_id: int, timezone: str) -> Action:
    """The draft as the card it will become, for the preview."""
    new = _as_new(draft, timezone)
    return Action(
        id=action_id,
        title=new.title,
        description=new.description,
        starts_at=new.starts_at,
        timezone=new.timezone,
        place=new.place,
        latitude=new.latitude,
        longitude=new.longitude,
        capacity=new.capacity,
        reminder_minutes=new.reminder_minutes,
        status=ActionStatus.PLANNED,
        revision=1,
        created_by=0,
        city=new.city,
        country=new.country,
    )


def conversation(
    entry: BaseHandler[Update, TurnoutContext, object],
) -> ConversationHandler[TurnoutContext]:
    """The whole conversation; ``entry`` is the guarded /newaction command."""
    text = filters.TEXT & ~filters.COMMAND
    anything = filters.ALL & ~filters.COMMAND

    def step(state: int, *handlers: BaseHandler[Update, TurnoutContext, Any]) -> list[Any]:
        return [
            *handlers,
            MessageHandler(anything, expected(state)),
            CallbackQueryHandler(expected(state), pattern=r"^na:"),
        ]

    def on(
        data: str, callback: Callable[[Update, TurnoutContext], Coroutine[Any, Any, int]]
    ) -> CallbackQueryHandler[TurnoutContext, int]:
        return CallbackQueryHandler(callback, pattern=rf"^na:{data}$")

    return conversation_handler(
        entry_points=[entry],
        states={
            TITLE: step(TITLE, MessageHandler(text, got_title)),
            CITY: step(
                CITY,
                MessageHandler(filters.LOCATION | filters.VENUE, city_by_location),
                MessageHandler(text, got_city_name),
                on(r"city:\d+", picked_city),
                on("here", here),
                on("back", back_to(TITLE)),
            ),
            TIME: step(TIME, MessageHandler(text, got_time), on("back", back_to(CITY))),
            CONFIRM_TIME: step(
                CONFIRM_TIME,
                on("time_ok", time_confirmed),
                on(r"pick:\d+", picked_time),
                on("back", back_to(TIME)),
                MessageHandler(text, got_time),
            ),
            PLACE: step(
                PLACE,
                MessageHandler(text | filters.LOCATION | filters.VENUE, got_place),
                on("back", back_to(TIME)),
            ),
            DESCRIPTION: step(
                DESCRIPTION,
                MessageHandler(text, got_description),
                on("skip", skip_description),
                on("back", back_to(PLACE)),
            ),
            CAPACITY: step(
                CAPACITY,
                MessageHandler(text, got_capacity),
                on("skip", no_limit),
                on("back", back_to(DESCRIPTION)),
            ),
            REMINDERS: step(
                REMINDERS,
                MessageHandler(text, got_reminders),
                on("skip", default_reminders),
                on("none", no_reminders),
                on("back", back_to(CAPACITY)),
            ),
            PREVIEW: step(
                PREVIEW, on("create", create), on("back", back_to(REMINDERS)), on("cancel", cancel)
            ),
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="newaction",
        allow_reentry=True,
    )
