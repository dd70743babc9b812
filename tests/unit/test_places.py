"""Places offline: cities by name in any spelling, the timezone of a point, distances."""

from __future__ import annotations

import pytest

from turnout.places import distance_km, gazetteer, zone_at
from turnout.places.gazetteer import City, Gazetteer, fold
from turnout.views.proposals import distance_text


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Belgrade", "Belgrade, Serbia"),
        ("Beograd", "Belgrade, Serbia"),  # the local name
        ("Београд", "Belgrade, Serbia"),  # in Cyrillic
        ("belgrade", "Belgrade, Serbia"),
        ("  BELGRADE ", "Belgrade, Serbia"),
        ("Belgr", "Belgrade, Serbia"),  # a prefix: the largest city first
        ("São Paulo", "São Paulo, Brazil"),
        ("Sao Paulo", "São Paulo, Brazil"),  # without the accent
        ("sao-paulo", "São Paulo, Brazil"),  # punctuation ignored
        ("Lisboa", "Lisbon, Portugal"),
        ("Novi Sad", "Novi Sad, Serbia"),
    ],
)
def test_a_city_is_found_by_any_of_its_names(typed: str, first: str) -> None:
    found = gazetteer().search(typed)
    assert found, typed
    assert found[0].label == first


def test_an_exact_name_comes_before_longer_names_that_start_with_it() -> None:
    found = [city.label for city in gazetteer().search("Paris")]
    assert found[0] == "Paris, France"
    assert all(label.startswith("Paris") or "Paris" not in label for label in found)


def test_nothing_is_found_for_nonsense_and_one_letter_matches_only_exactly() -> None:
    assert gazetteer().search("Xqzzyville") == []
    assert gazetteer().search("") == []
    assert gazetteer().search("   ") == []
    assert len(gazetteer().search("x")) <= 1


def test_the_search_ranks_a_small_index_as_documented() -> None:
    def city(id_: int, name: str, population: int) -> City:
        return City(id_, name, "XX", "Testland", 0.0, 0.0, "UTC", population)

    index = Gazetteer.of(
        [city(1, "Springfield", 100), city(2, "Springfield Heights", 5000), city(3, "Spring", 50)],
        aliases={3: ["Springfield Old"]},
    )
    assert [c.id for c in index.search("springfield")] == [1, 2, 3]
    assert [c.id for c in index.search("spring")] == [3, 2, 1]
    assert fold("Ñandú-Ålesund") == "nandu alesund"


def test_the_nearest_city_to_a_point() -> None:
    assert gazetteer().nearest(44.817, 20.457).name == "Belgrade"


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (38.7223, -9.1393, "Europe/Lisbon"),
        (44.8125, 20.4612, "Europe/Belgrade"),
        (-23.5505, -46.6333, "America/Sao_Paulo"),
        (40.7128, -74.0060, "America/New_York"),
        (-33.8688, 151.2093, "Australia/Sydney"),
    ],
)
def test_the_timezone_of_a_place(latitude: float, longitude: float, zone: str) -> None:
    assert zone_at(latitude, longitude) == zone


def test_a_city_of_the_gazetteer_knows_its_timezone() -> None:
    (lisbon, *_) = gazetteer().search("Lisbon")
    assert lisbon.timezone == "Europe/Lisbon"
    assert zone_at(lisbon.latitude, lisbon.longitude) == lisbon.timezone


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((44.8125, 20.4612), (45.2671, 19.8335), 70.6),  # Belgrade to Novi Sad
        ((51.5074, -0.1278), (48.8566, 2.3522), 343.6),  # London to Paris
        ((0.0, 0.0), (0.0, 180.0), 20015.1),  # half way round the equator
        ((44.8, 20.4), (44.8, 20.4), 0.0),
    ],
)
def test_distances(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert distance_km(*a, *b) == pytest.approx(km, rel=0.005, abs=0.01)
    assert distance_km(*b, *a) == pytest.approx(distance_km(*a, *b))


@pytest.mark.parametrize(
    ("km", "text"),
    [(0.004, "10 m"), (0.66, "660 m"), (3.24, "3.2 km"), (48.4, "48 km"), (1234.0, "1234 km")],
)
def test_distances_read_as_people_say_them(km: float, text: str) -> None:
    assert distance_text(km) == text


def test_cities_read_in_the_readers_language_and_namesakes_are_told_apart() -> None:
    from turnout.i18n import Catalogs
    from turnout.views.proposals import city_labels

    catalogs = Catalogs("en")
    lisbon = gazetteer().search("Lisbon")[:1]
    assert city_labels(catalogs.translator("sr"), lisbon) == ["Lisbon, Португалија"]
    assert city_labels(catalogs.translator("fr"), lisbon) == ["Lisbon, Portugal"]
    springfields = [c for c in gazetteer().search("Springfield") if c.country_code == "US"]
    labels = city_labels(catalogs.translator("en"), springfields)
    assert len(springfields) > 1
    assert len(set(labels)) == len(labels)
    assert any(label.startswith("Springfield (IL), ") for label in labels)


# -- cities in the reader's language --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        # CLDR's names of time zones' cities, in every language that has one.
        ("Belgrade", {"sr": "Београд", "sr-Latn": "Beograd", "es": "Belgrado", "fr": "Belgrade"}),
        ("Vienna", {"sr": "Беч", "sr-Latn": "Beč", "es": "Viena", "fr": "Vienne"}),
        ("Paris", {"sr": "Париз", "sr-Latn": "Pariz", "es": "París", "fr": "Paris"}),
        ("New York City", {"sr": "Њујорк", "es": "Nueva York", "fr": "New York"}),
        # Serbian Cyrillic where the Latin name is Serbian's own: Kragujevac is not "Крагуевац".
        ("Novi Sad", {"sr": "Нови Сад", "sr-Latn": "Novi Sad", "es": "Novi Sad"}),
        ("Kragujevac", {"sr": "Крагујевац", "sr-Latn": "Kragujevac"}),
        ("Banja Luka", {"sr": "Бања Лука"}),
        # Elsewhere a Cyrillic spelling proves nothing ("Брест", "Казан"): the name stays.
        ("Brest, France", {"sr": "Brest", "sr-Latn": "Brest"}),
        ("Kazan", {"sr": "Kazan"}),
    ],
)
def test_a_city_is_named_in_the_readers_language_where_that_is_known(
    typed: str, names: dict[str, str]
) -> None:
    name, _, country = typed.partition(", ")
    city = next(c for c in gazetteer().search(name) if not country or c.country == country)
    for language, expected in names.items():
        assert gazetteer().name_in(city.id, language, city.name) == expected, language
    assert gazetteer().name_in(city.id, "en", city.name) == city.name


def test_serbian_names_are_taken_only_when_they_can_be_told_apart() -> None:
    from turnout.places.names import Place, latin, local_names

    places = [
        Place(1, "Kraljevo", "RS", "Europe/Belgrade", 80_000, ("Кралево", "Краљево", "Карановац")),
        Place(2, "Ilidža", "BA", "Europe/Sarajevo", 60_000, ("Илиджа", "Илиџа")),
        # A Cyrillic spelling with a Latin "o"; a French city's Cyrillic spelling.
        Place(3, "Pančevo", "RS", "Europe/Belgrade", 70_000, ("Панчевo",)),  # noqa: RUF001
        Place(4, "Arras", "FR", "Europe/Paris", 40_000, ("Аррас",)),  # noqa: RUF001
        Place(5, "Belgrade", "RS", "Europe/Belgrade", 1_200_000, ("Београд", "Белград")),
        Place(6, "Zemun", "RS", "Europe/Belgrade", 150_000, ("Земун", "Zemoen")),
    ]
    names = local_names(places)
    assert names["sr"] == {1: "Краљево", 2: "Илиџа", 5: "Београд", 6: "Земун"}
    assert names["sr-Latn"] == {5: "Beograd"}  # the others are already written so
    assert names["es"] == {5: "Belgrado"}
    assert names["fr"] == {}
    assert latin("Љубљана, Ђурђевац, Џеп") == "Ljubljana, Đurđevac, Džep"


def test_by_place_lists_cities_as_the_reader_names_them() -> None:
    from turnout.i18n import Catalogs
    from turnout.storage import PlaceCount
    from turnout.views.places import named
    from turnout.views.proposals import place_filter

    sr = Catalogs("en").translator("sr")
    belgrade = gazetteer().named("Belgrade")
    assert belgrade is not None
    cities = [PlaceCount("RS", "Belgrade", 3, belgrade.id), PlaceCount("RS", "Somewhere", 1, 0)]

    def city_name(city_id: int | None, stored: str) -> str:
        return gazetteer().name_in(city_id, "sr", stored)

    reply = place_filter(sr, named(cities, city_name))
    labels = [b.text for row in reply.markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels[:2] == ["Београд (3)", "Somewhere (1)"]
