"""Finding an action by place: countries and cities with upcoming actions, and "Near me" by
distance from a shared location (which also offers that place's time zone)."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardMarkup, Update

from turnout.handlers import report
from turnout.handlers.common.cities import city_names
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.places import distance_km, zone_at
from turnout.usecases import members
from turnout.views.buttons import ByPlace, NearMe, OpenAction, UseZone
from turnout.views.places import named
from turnout.views.proposals import country_name_in, nearby, place_filter, place_label, short_when
from turnout.views.reply import Reply
from turnout.views.timefmt import zone_label

#: How many actions "Near me" lists, the nearest first.
NEAR_LIMIT = 10
#: Actions of one city or country listed at once.
PLACE_LIMIT = 20
# user_data: the campaign whose actions the next shared location is compared with.
NEAR_CAMPAIGN = "near_campaign"


async def place_button(update: Update, context: TurnoutContext, data: ByPlace) -> None:
    """The countries; one country's cities; one city's (or country's) actions."""
    query = update.callback_query
    assert query is not None
    now, t = context.now(), context.t
    await query.answer()
    country = data.country[:2]
    if not country:
        answer = place_filter(t, await context.store.upcoming_countries(now))
    elif data.city is None:
        cities = await context.store.upcoming_cities(now, country)
        answer = place_filter(t, named(cities, await city_names(t.language)))
    else:
        actions = await context.store.upcoming_actions_in(now, country, data.city, PLACE_LIMIT)
        city_name = await city_names(t.language)
        city = city_name(data.city, actions[0].city) if actions else ""
        rows = [
            [
                OpenAction(a.id).button(
                    f"{short_when(t, a.starts_at, a.timezone, now)} · {a.title}"[:64]
                )
            ]
            for a in actions
        ]
        where = place_label(city, country_name_in(t, country))
        answer = Reply(
            t.plural("places.actions_in", len(actions), place=where),
            InlineKeyboardMarkup(rows) if rows else None,
        )
    await edit_in_place(query, answer.text, answer.markup)


async def near_button(update: Update, context: TurnoutContext, data: NearMe) -> None:
    await ask_location(update, context, None)


async def ask_location(
    update: Update, context: TurnoutContext, campaign_id: int | None = None
) -> None:
    """How to share a location (for one campaign's actions, or all)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    if context.user_data is not None:
        context.user_data[NEAR_CAMPAIGN] = campaign_id
    await reply(update, context.t("near.ask"))


async def shared_location(update: Update, context: TurnoutContext) -> None:
    """A location with no question open: part of an open report, else "Near me"."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    if await context.store.draft_of(user.id) is not None:
        await report.collect(update, context)
        return
    location = message.venue.location if message.venue is not None else message.location
    assert location is not None
    lat, lon = location.latitude, location.longitude
    now = context.now()
    campaign = context.user_data.pop(NEAR_CAMPAIGN, None) if context.user_data else None
    actions = await context.store.located_upcoming_actions(
        now, campaign if isinstance(campaign, int) else None
    )
    ranked = sorted(
        (
            (action, distance_km(lat, lon, action.latitude, action.longitude))
            for action in actions
            if action.latitude is not None and action.longitude is not None
        ),
        key=lambda pair: pair[1],
    )[:NEAR_LIMIT]
    await reply(update, nearby(context.t, ranked, now))
    zone = await asyncio.to_thread(zone_at, lat, lon)
    member = context.member  # loaded for every update (recognise_member)
    if zone is not None and member is not None and zone != member.timezone:
        offer = InlineKeyboardMarkup(
            [[UseZone(zone).button(context.t("near.use_zone", timezone=zone_label(zone)))]]
        )
        await reply(update, Reply(context.t("near.zone_offer", timezone=zone_label(zone)), offer))


async def use_zone_button(update: Update, context: TurnoutContext, data: UseZone) -> None:
    """Take the time zone of the shared location."""
    query = update.callback_query
    assert query is not None
    await members.set_timezone(context.services, query.from_user.id, data.zone)
    await query.answer()
    await edit_in_place(query, context.t("near.zone_set", timezone=zone_label(data.zone)), None)
