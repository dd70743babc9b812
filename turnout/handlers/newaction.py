"""/newaction: an organiser plans an action, one question at a time, with Back and /cancel.

title → city (from the gazetteer, a shared location, a time zone, or "here": the organiser's
zone) → time (read in that city's zone and echoed for confirmation) → end (an end time or how
long it lasts; Skip: two hours) → place (text, or a location or venue) → description →
capacity → reminders → preview (which can change the end) → create.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, Message, Update

from turnout.config import format_duration
from turnout.handlers.common import cities, prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.drafts import BACK, SKIP, ActionDraft, field_step, still_ahead
from turnout.handlers.common.ends import CHANGE_END, draft_zone, end_step
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Stay, Step, Turn
from turnout.handlers.common.times import picked, read_time
from turnout.i18n import N_
from turnout.scheduler.zones import looks_like_zone, resolve_timezone
from turnout.storage import RsvpCounts
from turnout.usecases import fields
from turnout.usecases.actions import create_action
from turnout.usecases.errors import Invalid
from turnout.views.actions import card
from turnout.views.links import Link, deep_link
from turnout.views.proposals import CITY, city_choices
from turnout.views.reply import Reply
from turnout.views.timefmt import PICK, local_time, zone_label

Turn_ = Turn[ActionDraft]
NONE, HERE, YES, CREATE, CANCEL = "none", "here", "yes", "create", "cancel"


async def begin(update: Update, context: TurnoutContext) -> None:
    await prompts.start(update, context, NEWACTION, ActionDraft())


_zone = draft_zone


def _back(turn: Turn_) -> list[InlineKeyboardButton]:
    return [turn.button(turn.t("newaction.button.back"), BACK)]


# -- city ----------------------------------------------------------------------------------


async def ask_city(turn: Turn_) -> Reply:
    here = turn.button(
        turn.t("newaction.button.here", timezone=zone_label(turn.context.timezone)), HERE
    )
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
    text = turn.t("newaction.ask_time", timezone=zone_label(_zone(turn)))
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
        turn.draft.starts_at = picked(turn.draft.options, value) or turn.draft.starts_at
        return Go("confirm_time") if turn.draft.starts_at else Stay()
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
        return Go("end") if await still_ahead(turn) else Go("time")
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


async def reminders_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice in (SKIP, NONE):  # the default offsets, or none at all
        turn.draft.reminder_minutes = [] if choice == NONE else _default_offsets(turn)
        return Go("preview")
    return Go("capacity") if choice == BACK else None


async def place_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    return Go("end") if choice == BACK else None


# -- preview -------------------------------------------------------------------------------


async def ask_preview(turn: Turn_) -> Reply:
    t, zone = turn.t, _zone(turn)
    preview = card(t, turn.draft.as_action(zone), RsvpCounts(), None, zone)
    markup = turn.keyboard(
        [turn.button(t("newaction.button.create"), CREATE)],
        [turn.button("✏️ " + t("edit.field.end"), CHANGE_END)],
        [*_back(turn), turn.button(t("newaction.button.cancel"), CANCEL)],
    )
    return Reply(t("newaction.preview") + "\n\n" + preview.text, markup)


async def preview_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == CHANGE_END:
        turn.draft.revising = True  # the new end leads back here
        return Go("end")
    turn.draft.revising = False
    if choice == BACK:
        return Go("reminders")
    if choice == CANCEL:
        await turn.say(turn.t("newaction.cancelled"))
        return End()
    if choice != CREATE:
        return None
    draft = turn.draft
    if not await still_ahead(turn):
        return Go("time")
    if not await turn.close():
        return End()
    action = await create_action(turn.services, turn.user_id, draft.as_new(_zone(turn)))
    link = deep_link(turn.services.bot_username, Link("act", action.id))
    await turn.say(turn.t("newaction.created", link=link))
    return End()


NEWACTION = Flow(
    "newaction",
    ActionDraft,
    {
        "title": field_step(
            N_("expects.title"), N_("newaction.ask_title"), fields.title, "title", "city"
        ),
        "city": Step(
            N_("expects.city"),
            ask_city,
            text=got_city_name,
            place=city_by_location,
            press=city_pressed,
        ),
        "time": Step(N_("expects.time"), ask_time, text=got_time, press=time_pressed),
        "confirm_time": Step(
            N_("expects.choice"), ask_confirm_time, text=got_time, press=confirm_pressed
        ),
        "end": end_step(lambda turn: Go("place"), back="time"),
        "place": Step(
            N_("expects.place"),
            ask_place,
            text=got_place,
            place=place_by_location,
            press=place_pressed,
        ),
        "description": field_step(
            N_("expects.description"),
            N_("newaction.ask_description"),
            fields.description,
            "description",
            "capacity",
            skip=N_("newaction.button.skip"),
            back="place",
        ),
        "capacity": field_step(
            N_("expects.capacity"),
            N_("newaction.ask_capacity"),
            fields.capacity,
            "capacity",
            "reminders",
            skip=N_("newaction.button.no_limit"),
            back="description",
        ),
        "reminders": Step(
            N_("expects.reminders"),
            ask_reminders,
            text=got_reminders,
            press=reminders_pressed,
        ),
        "preview": Step(N_("expects.choice"), ask_preview, press=preview_pressed),
    },
    commands=frozenset({"cancel", "back", "skip"}),
    cancelled=N_("newaction.cancelled"),
)
