"""/newaction: an organiser plans an action, one question at a time, with Back and /cancel.

title → city (from the gazetteer, a shared location, a time zone, or "here": the organiser's
zone) → time (read in that city's zone and echoed for confirmation) → place (text, or a location
or venue) → description → capacity → reminders → preview → create.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, Message, Update

from turnout.config import format_duration
from turnout.handlers.common import cities, prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.drafts import ActionDraft
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Stay, Step, Turn
from turnout.handlers.common.times import read_time
from turnout.i18n import N_
from turnout.scheduler.zones import looks_like_zone, resolve_timezone
from turnout.storage import RsvpCounts
from turnout.usecases import fields
from turnout.usecases.actions import create_action
from turnout.usecases.errors import Invalid
from turnout.views.actions import card
from turnout.views.links import ActionLink, deep_link
from turnout.views.proposals import CITY, city_choices
from turnout.views.reply import Reply
from turnout.views.timefmt import PICK, local_time

Turn_ = Turn[ActionDraft]
BACK, SKIP, NONE, HERE, YES, CREATE, CANCEL = (
    "back",
    "skip",
    "none",
    "here",
    "yes",
    "create",
    "cancel",
)


async def begin(update: Update, context: TurnoutContext) -> None:
    await prompts.start(update, context, NEWACTION, ActionDraft())


def _zone(turn: Turn_) -> str:
    return turn.draft.timezone or turn.context.timezone


def _back(turn: Turn_) -> list[InlineKeyboardButton]:
    return [turn.button(turn.t("newaction.button.back"), BACK)]


# -- title ---------------------------------------------------------------------------------


async def ask_title(turn: Turn_) -> Reply:
    return Reply(turn.t("newaction.ask_title"))


async def got_title(turn: Turn_, text: str) -> Outcome:
    turn.draft.title = fields.title(text)
    return Go("city")


# -- city ----------------------------------------------------------------------------------


async def ask_city(turn: Turn_) -> Reply:
    here = turn.button(turn.t("newaction.button.here", timezone=turn.context.timezone), HERE)
    return Reply(turn.t("newaction.ask_city"), turn.keyboard([here], _back(turn)))


async def got_city_name(turn: Turn_, text: str) -> Outcome:
    """A city by name (its matches as buttons), or a time zone ("Europe/Lisbon", "UTC+1")
    for an action in no particular city."""
    # "UTC" or "CET" would otherwise offer Utrecht or Cetinje first.
    zone = await asyncio.to_thread(resolve_timezone, text) if looks_like_zone(text) else None
    if zone is None and (found := await cities.search(text)):
        choices = city_choices(turn.t, turn.prompt.id, found)
        return Stay(choices.text, choices.markup)
    zone = zone or await asyncio.to_thread(resolve_timezone, text)
    if zone is None:
        return Stay(turn.t("propose.no_city", name=text.strip()[:100]))
    turn.draft.nowhere(zone)
    return Go("time")


async def city_by_location(turn: Turn_, message: Message) -> Outcome:
    """A shared location or venue: its nearest city, its zone, and the place itself."""
    turn.draft.take(await cities.located(message, turn.context.timezone))
    return Go("time")


async def city_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == HERE:
        turn.draft.nowhere("")  # no city: the organiser's own zone
        return Go("time")
    if choice == CITY:
        place = await cities.picked(value, turn.context.timezone)
        if place is None:
            return Stay()
        turn.draft.take(place)
        return Go("time")
    return Go("title") if choice == BACK else None


# -- time ----------------------------------------------------------------------------------


async def ask_time(turn: Turn_) -> Reply:
    text = turn.t("newaction.ask_time", timezone=_zone(turn))
    return Reply(text, turn.keyboard(_back(turn)))


async def got_time(turn: Turn_, text: str) -> Outcome:
    reading = await read_time(turn, text, _zone(turn))
    if reading is None:
        return Stay()
    if isinstance(reading, tuple):
        turn.draft.options = list(reading)
        return Stay()
    turn.draft.starts_at = reading
    return Go("confirm_time")


async def time_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == PICK:
        options = turn.draft.options
        if value is None or not 0 <= value < len(options):
            return Stay()
        turn.draft.starts_at = options[value]
        return Go("confirm_time")
    return Go("city") if choice == BACK else None


async def ask_confirm_time(turn: Turn_) -> Reply:
    assert turn.draft.starts_at is not None
    t = turn.t
    shown = local_time(turn.draft.starts_at, _zone(turn), t.language)
    markup = turn.keyboard(
        [
            turn.button(t("newaction.button.yes"), YES),
            turn.button(t("newaction.button.retype"), BACK),
        ]
    )
    return Reply(t("newaction.confirm_time", time=shown), markup)


async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == YES:
        starts_at = turn.draft.starts_at
        if starts_at is None or starts_at <= turn.context.now():
            await turn.say(turn.t("time.past"))
            return Go("time")
        return Go("place")
    if choice == PICK:
        return await time_pressed(turn, choice, value)
    return Go("time") if choice == BACK else None


# -- place, description, capacity, reminders -----------------------------------------------


async def ask_place(turn: Turn_) -> Reply:
    return Reply(turn.t("newaction.ask_place"), turn.keyboard(_back(turn)))


async def got_place(turn: Turn_, text: str) -> Outcome:
    if not text.strip():
        raise Invalid("newaction.bad_place")
    turn.draft.place = fields.place_name(text)
    return Go("description")


async def place_by_location(turn: Turn_, message: Message) -> Outcome:
    draft = turn.draft
    if message.venue is not None:
        draft.place = fields.venue(message.venue.title, message.venue.address)
        location = message.venue.location
    else:
        assert message.location is not None
        location = message.location
    draft.latitude, draft.longitude = location.latitude, location.longitude
    return Go("description")


async def ask_description(turn: Turn_) -> Reply:
    skip = turn.button(turn.t("newaction.button.skip"), SKIP)
    return Reply(turn.t("newaction.ask_description"), turn.keyboard([skip], _back(turn)))


async def got_description(turn: Turn_, text: str) -> Outcome:
    turn.draft.description = fields.description(text)
    return Go("capacity")


async def ask_capacity(turn: Turn_) -> Reply:
    none = turn.button(turn.t("newaction.button.no_limit"), SKIP)
    return Reply(turn.t("newaction.ask_capacity"), turn.keyboard([none], _back(turn)))


async def got_capacity(turn: Turn_, text: str) -> Outcome:
    turn.draft.capacity = fields.capacity(text)
    return Go("reminders")


def _default_offsets(turn: Turn_) -> list[int]:
    return list(fields.minutes_before(turn.context.settings.reminder_offsets))


async def ask_reminders(turn: Turn_) -> Reply:
    t = turn.t
    default = ",".join(format_duration(o) for o in turn.context.settings.reminder_offsets)
    markup = turn.keyboard(
        [turn.button(t("newaction.button.default", default=default), SKIP)],
        [turn.button(t("newaction.button.no_reminders"), NONE)],
        _back(turn),
    )
    return Reply(t("newaction.ask_reminders", default=default), markup)


async def got_reminders(turn: Turn_, text: str) -> Outcome:
    turn.draft.reminder_minutes = list(fields.reminders(text))
    return Go("preview")


async def description_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == SKIP:
        turn.draft.description = ""
        return Go("capacity")
    return Go("place") if choice == BACK else None


async def capacity_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == SKIP:  # No limit
        turn.draft.capacity = None
        return Go("reminders")
    return Go("description") if choice == BACK else None


async def reminders_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice in (SKIP, NONE):  # the default offsets, or none at all
        turn.draft.reminder_minutes = [] if choice == NONE else _default_offsets(turn)
        return Go("preview")
    return Go("capacity") if choice == BACK else None


async def place_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    return Go("time") if choice == BACK else None


# -- preview -------------------------------------------------------------------------------


async def ask_preview(turn: Turn_) -> Reply:
    t, zone = turn.t, _zone(turn)
    preview = card(t, turn.draft.as_action(zone), RsvpCounts(), None, zone)
    markup = turn.keyboard(
        [turn.button(t("newaction.button.create"), CREATE)],
        [*_back(turn), turn.button(t("newaction.button.cancel"), CANCEL)],
    )
    return Reply(t("newaction.preview") + "\n\n" + preview.text, markup)


async def preview_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == BACK:
        return Go("reminders")
    if choice == CANCEL:
        await turn.say(turn.t("newaction.cancelled"))
        return End()
    if choice != CREATE:
        return None
    draft = turn.draft
    if draft.starts_at is None or draft.starts_at <= turn.context.now():
        await turn.say(turn.t("time.past"))
        return Go("time")
    action = await create_action(turn.services, turn.user_id, draft.as_new(_zone(turn)))
    link = deep_link(turn.services.bot_username, ActionLink(action.id))
    await turn.say(turn.t("newaction.created", link=link))
    return End()


NEWACTION: Flow[ActionDraft] = Flow(
    name="newaction",
    draft=ActionDraft,
    first="title",
    steps={
        "title": Step(N_("expects.title"), ask_title, text=got_title),
        "city": Step(
            N_("expects.city"), ask_city, text=got_city_name, place=city_by_location,
            press=city_pressed,
        ),
        "time": Step(N_("expects.time"), ask_time, text=got_time, press=time_pressed),
        "confirm_time": Step(
            N_("expects.choice"), ask_confirm_time, text=got_time, press=confirm_pressed
        ),
        "place": Step(
            N_("expects.place"), ask_place, text=got_place, place=place_by_location,
            press=place_pressed,
        ),
        "description": Step(
            N_("expects.description"), ask_description, text=got_description,
            press=description_pressed,
        ),
        "capacity": Step(
            N_("expects.capacity"), ask_capacity, text=got_capacity,
            press=capacity_pressed,
        ),
        "reminders": Step(
            N_("expects.reminders"), ask_reminders, text=got_reminders,
            press=reminders_pressed,
        ),
        "preview": Step(N_("expects.choice"), ask_preview, press=preview_pressed),
    },
    commands=frozenset({"cancel", "back", "skip"}),
    cancelled=N_("newaction.cancelled"),
)  # fmt: skip
