"""A city from what a person sends while planning or proposing an action: a name (its matches
come back as buttons), one of those buttons, or a shared location or venue. The gazetteer and
the zone polygons are read off the event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Message, Update

from turnout.bot.context import TurnoutContext
from turnout.handlers.arguments import as_id
from turnout.places import City, gazetteer, zone_at
from turnout.views.proposals import city_choices

MAX_VENUE = 300


@dataclass(frozen=True, slots=True)
class Place:
    """Where an action is: its city, the zone its time is read in, the point, and the venue's
    name when one was shared."""

    city: City
    timezone: str
    latitude: float
    longitude: float
    venue: str = ""


async def offer_cities(update: Update, context: TurnoutContext, pick: str) -> bool:
    """The cities matching the typed name as buttons ``<pick>:<id>``; False if none."""
    message = update.effective_message
    assert message is not None
    index = await asyncio.to_thread(gazetteer)
    found = await asyncio.to_thread(index.search, (message.text or "").strip()[:100])
    if found:
        reply = city_choices(context.t, found, prefix=pick)
        await message.reply_text(reply.text, reply_markup=reply.markup)
    return bool(found)


async def picked(data: str | None, fallback_zone: str) -> Place | None:
    """The city of a ``<pick>:<id>`` button, at its centre, in its own zone."""
    city = (await asyncio.to_thread(gazetteer)).city(as_id((data or "").rpartition(":")[2]) or 0)
    if city is None:
        return None
    zone = _known(city.timezone) or await asyncio.to_thread(zone_at, city.latitude, city.longitude)
    return Place(city, zone or fallback_zone, city.latitude, city.longitude)


async def located(message: Message, fallback_zone: str) -> Place:
    """A shared location or venue: its nearest city, and the zone of the point itself (a
    place near a border belongs to its own side)."""
    location = message.venue.location if message.venue is not None else message.location
    assert location is not None
    lat, lon = location.latitude, location.longitude
    index = await asyncio.to_thread(gazetteer)
    city = await asyncio.to_thread(index.nearest, lat, lon)
    zone = await asyncio.to_thread(zone_at, lat, lon)
    venue = ""
    if message.venue is not None:
        venue = f"{message.venue.title}, {message.venue.address}".strip(", ")[:MAX_VENUE]
    return Place(city, zone or _known(city.timezone) or fallback_zone, lat, lon, venue)


def _known(name: str) -> str | None:
    """The zone if this machine's zone database has it (GeoNames may be newer)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
