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
