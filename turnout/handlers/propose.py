"""/propose: any member plans a local action, one question at a time.

title → city (typed and picked from the gazetteer, or a shared location) → time (in that
place's timezone) → meeting point → description → how many they expect → preview → submit.
A trusted host's proposal is published at once; any other goes to the organisers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
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
from turnout.handlers.arguments import as_id
from turnout.handlers.cities import Place, located, offer_cities, picked
from turnout.handlers.members import ensure_member
from turnout.handlers.newaction import MAX_DESCRIPTION, MAX_TITLE
from turnout.handlers.proposals import announce, default_minutes
from turnout.handlers.registry import conversation_handler
from turnout.handlers.steps import expected, keyboard, say, text_of
from turnout.handlers.timeinput import read_time
from turnout.places import City
from turnout.scheduler.planner import wake_planner_at_next
from turnout.scheduler.reminders import plan_reminders
from turnout.storage import NewAction, Proposal, ProposalStatus
from turnout.views.proposals import summary

TITLE, PLACE, CITY, TIME, MEETING, DESCRIPTION, EXPECTED, PREVIEW = range(8)
DRAFT = "proposal"
MAX_MEETING = 300
MAX_EXPECTED = 1_000_000


@dataclass
class Draft:
    title: str = ""
    city: City | None = None
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = ""
    starts_at: datetime | None = None
    options: tuple[datetime, ...] = ()
    place: str = ""
    description: str = ""
    expected: int | None = None
    campaign_id: int | None = None


def _draft(context: TurnoutContext) -> Draft:
    found = context.user_data.get(DRAFT) if context.user_data is not None else None
    if isinstance(found, Draft):
        return found
    draft = Draft()
    if context.user_data is not None:
        context.user_data[DRAFT] = draft
    return draft


async def _ask(update: Update, context: TurnoutContext, state: int) -> int:
    t, draft = context.t, _draft(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    if state == TITLE:
        await say(update, t("propose.ask_title"))
    elif state == PLACE:
        await say(update, t("propose.ask_place"))
    elif state == TIME:
        await say(
            update,
            t("propose.ask_time", city=_where(draft), timezone=draft.timezone),
        )
    elif state == MEETING:
        await say(update, t("propose.ask_meeting_point"))
    elif state == DESCRIPTION:
        await say(
            update,
            t("propose.ask_description"),
            keyboard([(t("newaction.button.skip"), "pr:skip")]),
        )
    elif state == EXPECTED:
        await say(
            update,
            t("propose.ask_expected"),
            keyboard([(t("propose.button.dont_know"), "pr:skip")]),
        )
    else:
        preview = summary(t, _as_proposal(draft, update))
        await say(
            update,
            t("propose.preview") + "\n\n" + preview,
            keyboard(
                [(t("propose.button.submit"), "pr:submit")],
                [(t("newaction.button.cancel"), "pr:cancel")],
            ),
        )
    return state


def _where(draft: Draft) -> str:
    return draft.city.label if draft.city is not None else ""


async def begin(update: Update, context: TurnoutContext) -> int:
    """``/propose``, or the "Propose an action" button of a campaign (``prop:<campaign>``)."""
    await ensure_member(update, context)
    campaign_id = None
    query = update.callback_query
    if query is not None:
        campaign_id = as_id((query.data or "").rpartition(":")[2])
        if campaign_id is not None and await context.store.campaign(campaign_id) is None:
            campaign_id = None
    if context.user_data is not None:
        context.user_data[DRAFT] = Draft(campaign_id=campaign_id)
    return await _ask(update, context, TITLE)


async def got_title(update: Update, context: TurnoutContext) -> int:
    text = text_of(update)
    if not text or len(text) > MAX_TITLE:
        await say(update, context.t("newaction.bad_title", limit=MAX_TITLE))
        return TITLE
    _draft(context).title = text
    return await _ask(update, context, PLACE)


async def got_city_name(update: Update, context: TurnoutContext) -> int:
    """A typed city: the matches as buttons."""
    if await offer_cities(update, context, "pc"):
        return CITY
    await say(update, context.t("propose.no_city", name=text_of(update)[:100]))
    return PLACE


async def picked_city(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    place = await picked(query.data, context.settings.timezone)
    if place is None:
        await query.answer()
        return CITY
    _take(_draft(context), place)
    return await _ask(update, context, TIME)


async def got_location(update: Update, context: TurnoutContext) -> int:
    """A shared location or venue."""
    message = update.effective_message
    assert message is not None
    _take(_draft(context), await located(message, context.settings.timezone))
    return await _ask(update, context, TIME)


def _take(draft: Draft, place: Place) -> None:
    draft.city, draft.timezone = place.city, place.timezone
    draft.latitude, draft.longitude = place.latitude, place.longitude
    if place.venue:
        draft.place = place.venue


async def got_time(update: Update, context: TurnoutContext) -> int:
    draft = _draft(context)
    reading = await read_time(update, context, draft.timezone, "pr:pick")
    if reading is None:
        return TIME
    if isinstance(reading, tuple):
        draft.options = reading
        return TIME
    draft.starts_at = reading
    return await _after_time(update, context)


async def picked_time(update: Update, context: TurnoutContext) -> int:
    query, draft = update.callback_query, _draft(context)
    assert query is not None
    chosen = as_id((query.data or "").rpartition(":")[2])
    if chosen is None or chosen >= len(draft.options):
        await query.answer()
        return TIME
    draft.starts_at = draft.options[chosen]
    return await _after_time(update, context)


async def _after_time(update: Update, context: TurnoutContext) -> int:
    draft = _draft(context)
    if draft.place:  # a venue named the meeting point already
        return await _ask(update, context, DESCRIPTION)
    return await _ask(update, context, MEETING)


async def got_meeting_point(update: Update, context: TurnoutContext) -> int:
    text = text_of(update)
    if not text or len(text) > MAX_MEETING:
        await say(update, context.t("propose.bad_meeting_point", limit=MAX_MEETING))
        return MEETING
    _draft(context).place = text
    return await _ask(update, context, DESCRIPTION)


async def got_description(update: Update, context: TurnoutContext) -> int:
    text = text_of(update)
    if len(text) > MAX_DESCRIPTION:
        await say(update, context.t("newaction.bad_description", limit=MAX_DESCRIPTION))
        return DESCRIPTION
    _draft(context).description = text
    return await _ask(update, context, EXPECTED)


async def skip_description(update: Update, context: TurnoutContext) -> int:
    _draft(context).description = ""
    return await _ask(update, context, EXPECTED)


async def got_expected(update: Update, context: TurnoutContext) -> int:
    number = as_id(text_of(update))
    if number is None or not 0 < number <= MAX_EXPECTED:
        await say(update, context.t("propose.bad_expected"))
        return EXPECTED
    _draft(context).expected = number
    return await _ask(update, context, PREVIEW)


async def skip_expected(update: Update, context: TurnoutContext) -> int:
    _draft(context).expected = None
    return await _ask(update, context, PREVIEW)


async def submit(update: Update, context: TurnoutContext) -> int:
    query, draft = update.callback_query, _draft(context)
    assert query is not None
    user, t, now = query.from_user, context.t, context.now()
    if draft.starts_at is None or draft.starts_at <= now:
        await query.answer()
        await say(update, t("time.past"))
        return await _ask(update, context, TIME)
    new = _as_new(draft, user.id, default_minutes(context))
    outcome = await context.store.submit_proposal(
        new,
        draft.expected,
        lambda action: plan_reminders(action.starts_at, action.reminder_minutes, now),
        now,
    )
    await query.answer()
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    if outcome.action is not None:
        await wake_planner_at_next(context.application)
        link = create_deep_linked_url(context.bot.username, f"act_{outcome.action.id}")
        await say(update, t("propose.published", link=link))
    else:
        await announce(context, outcome.proposal)
        await say(update, t("propose.sent"))
    return ConversationHandler.END


async def cancel(update: Update, context: TurnoutContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, context.t("propose.cancelled"))
    return ConversationHandler.END


def _as_new(draft: Draft, proposer: int, minutes: tuple[int, ...]) -> NewAction:
    assert draft.starts_at is not None
    return NewAction(
        title=draft.title,
        description=draft.description,
        starts_at=draft.starts_at,
        timezone=draft.timezone,
        place=draft.place,
        latitude=draft.latitude,
        longitude=draft.longitude,
        capacity=None,
        reminder_minutes=minutes,
        city_id=draft.city.id if draft.city else None,
        city=draft.city.name if draft.city else "",
        country=draft.city.country_code if draft.city else "",
        host_id=proposer,
        campaign_id=draft.campaign_id,
    )


def _as_proposal(draft: Draft, update: Update) -> Proposal:
    """The draft as the proposal it will be, for the preview."""
    user = update.effective_user
    new = _as_new(draft, user.id if user else 0, ())
    return Proposal(
        id=0,
        proposer_id=new.host_id or 0,
        title=new.title,
        description=new.description,
        starts_at=new.starts_at,
        timezone=new.timezone,
        place=new.place,
        city_id=new.city_id,
        city=new.city,
        country=new.country,
        latitude=new.latitude,
        longitude=new.longitude,
        expected=draft.expected,
        campaign_id=new.campaign_id,
        status=ProposalStatus.PENDING,
        reason=None,
        action_id=None,
    )


def conversation(
    entry: BaseHandler[Update, TurnoutContext, object],
) -> ConversationHandler[TurnoutContext]:
    """``entry`` is the /propose command; a campaign's button (``prop:<id>``) opens it too."""
    text = filters.TEXT & ~filters.COMMAND
    place = filters.LOCATION | filters.VENUE

    def step(state: int, *handlers: BaseHandler[Update, TurnoutContext, Any]) -> list[Any]:
        return [
            *handlers,
            MessageHandler(filters.ALL & ~filters.COMMAND, expected(state)),
            CallbackQueryHandler(expected(state), pattern=r"^(pr|pc):"),
        ]

    def on(data: str, callback: Callable[..., Coroutine[Any, Any, int]]) -> Any:
        return CallbackQueryHandler(callback, pattern=rf"^pr:{data}$")

    return conversation_handler(
        entry_points=[entry, CallbackQueryHandler(begin, pattern=r"^prop:\d+$")],
        states={
            TITLE: step(TITLE, MessageHandler(text, got_title)),
            PLACE: step(
                PLACE, MessageHandler(place, got_location), MessageHandler(text, got_city_name)
            ),
            CITY: step(
                CITY,
                CallbackQueryHandler(picked_city, pattern=r"^pc:\d+$"),
                MessageHandler(place, got_location),
                MessageHandler(text, got_city_name),
            ),
            TIME: step(TIME, MessageHandler(text, got_time), on(r"pick:\d+", picked_time)),
            MEETING: step(MEETING, MessageHandler(text, got_meeting_point)),
            DESCRIPTION: step(
                DESCRIPTION, MessageHandler(text, got_description), on("skip", skip_description)
            ),
            EXPECTED: step(EXPECTED, MessageHandler(text, got_expected), on("skip", skip_expected)),
            PREVIEW: step(PREVIEW, on("submit", submit), on("cancel", cancel)),
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="propose",
        allow_reentry=True,
    )
