"""Finding an action by place: countries and cities with upcoming actions, and "Near me" by
distance from a shared location (which also offers that place's timezone)."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from turnout.bot.context import TurnoutContext
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.reports import collect
from turnout.places import distance_km, zone_at
from turnout.views.actions import show_data
from turnout.views.proposals import (
    country_name_in,
    nearby,
    place_filter,
    place_label,
    short_when,
)
from turnout.views.reply import Reply

#: How many actions "Near me" lists, the nearest first.
NEAR_LIMIT = 10
#: Actions of one city or country listed at once.
PLACE_LIMIT = 20
# user_data: the campaign whose actions the next shared location is compared with.
NEAR_CAMPAIGN = "near_campaign"


async def place_button(update: Update, context: TurnoutContext) -> None:
    """``plc`` the countries; ``plc:<CC>`` its cities; ``plc:<CC>:<city id>`` their actions."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    now, t = context.now(), context.t
    await query.answer()
    if len(parts) == 1:
        reply = place_filter(t, await context.store.upcoming_countries(now))
    elif len(parts) == 2:
        reply = place_filter(t, await context.store.upcoming_cities(now, parts[1][:2]))
    else:
        country, city_id = parts[1][:2], as_id(parts[2])
        actions = await context.store.upcoming_actions_in(now, country, city_id, PLACE_LIMIT)
        city = actions[0].city if actions and city_id is not None else ""
        where = place_label(city, country_name_in(t, country))
        rows = [
            [
                InlineKeyboardButton(
                    f"{short_when(t, a.starts_at, a.timezone, now)} · {a.title}"[:64],
                    callback_data=show_data(a.id),
                )
            ]
            for a in actions
        ]
        reply = Reply(
            t("places.actions_in", place=where, count=len(actions)),
            InlineKeyboardMarkup(rows) if rows else None,
        )
    await edit_in_place(query, reply.text, reply.markup)


async def ask_location(
    update: Update, context: TurnoutContext, campaign_id: int | None = None
) -> None:
    """``near:ask`` (and the ``near`` deep link, ``near_<campaign>`` for one campaign's
    actions): how to share a location."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    if context.user_data is not None:
        context.user_data[NEAR_CAMPAIGN] = campaign_id
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(context.t("near.ask"))


async def shared_location(update: Update, context: TurnoutContext) -> None:
    """A location outside any conversation: part of an open report, else "Near me"."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    if await context.store.draft_of(user.id) is not None:
        await collect(update, context)
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
    reply = nearby(context.t, ranked, now)
    await message.reply_text(reply.text, reply_markup=reply.markup)
    zone = await asyncio.to_thread(zone_at, lat, lon)
    member = context.member  # loaded for every update (members.recognise_member)
    if zone is not None and member is not None and zone != member.timezone:
        offer = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        context.t("near.use_zone", timezone=zone), callback_data=f"tzset:{zone}"
                    )
                ]
            ]
        )
        await message.reply_text(context.t("near.zone_offer", timezone=zone), reply_markup=offer)


async def set_zone_button(update: Update, context: TurnoutContext) -> None:
    """``tzset:<zone>``: take the timezone of the shared location."""
    query = update.callback_query
    assert query is not None
    zone = (query.data or "").partition(":")[2]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        await query.answer(context.t("near.bad_zone"), show_alert=True)
        return
    await context.store.set_timezone(query.from_user.id, zone, context.now())
    await query.answer()
    await edit_in_place(query, context.t("near.zone_set", timezone=zone), None)
