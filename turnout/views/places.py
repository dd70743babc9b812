"""Cities as the reader names them: in their language where a name is known for certain
(``places.names``: "Београд" in Serbian), else as stored with the action."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from turnout.storage import PlaceCount

CityName = Callable[[int | None, str], str]
"""A city's name for the reader, from its GeoNames id and the name stored with the action."""


def as_stored(city_id: int | None, stored: str) -> str:
    """The name as stored: for a reader whose language has no names of its own."""
    return stored


def named(places: Sequence[PlaceCount], city_name: CityName) -> list[PlaceCount]:
    """The places, their cities named for the reader."""
    return [
        replace(place, city=city_name(place.city_id, place.city)) if place.city else place
        for place in places
    ]
