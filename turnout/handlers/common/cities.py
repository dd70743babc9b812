"""A city from what a person sends while planning or proposing an action: a name (its matches
come back as buttons), one of those buttons, or a shared location or venue. The gazetteer and
the zone polygons are read off the event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Message

from turnout.places import City, gazetteer, zone_at
from turnout.places.names import LANGUAGES
from turnout.usecases.fields import venue
from turnout.views.places import CityName, as_stored


@dataclass(frozen=True, slots=True)
class Place:
    """Where an action is: its city, the zone its time is read in, the point, and the venue's
    name when one was shared."""

    city: City
    timezone: str
    latitude: float
    longitude: float
    venue: str = ""


async def search(name: str) -> list[City]:
    """The cities a typed name may mean, the likeliest first."""
    index = await asyncio.to_thread(gazetteer)
    return await asyncio.to_thread(index.search, name.strip()[:100])


async def city_names(language: str) -> CityName:
    """Cities' names in ``language``; the gazetteer is loaded only for a language that has
    names of its own (English reads the names as stored)."""
    if language not in LANGUAGES:
        return as_stored
    index = await asyncio.to_thread(gazetteer)

    def name(city_id: int | None, stored: str) -> str:
        return index.name_in(city_id, language, stored)

    return name


async def picked(city_id: int | None, fallback_zone: str) -> Place | None:
    """The city of a picked button, at its centre, in its own zone."""
    city = (await asyncio.to_thread(gazetteer)).city(city_id or 0)
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
    named = venue(message.venue.title, message.venue.address) if message.venue else ""
    return Place(city, zone or _known(city.timezone) or fallback_zone, lat, lon, named)


def _known(name: str) -> str | None:
    """The zone if this machine's zone database has it (GeoNames may be newer)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
