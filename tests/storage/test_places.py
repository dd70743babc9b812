"""Finding actions by place on a real SQLite file: countries, cities, and those near me."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, START, ActionFactory
from turnout.storage import PlaceCount, Store

BELGRADE, NIS, LYON = 792680, 787657, 2996944


async def make_places(make_action: ActionFactory) -> dict[str, int]:
    """Upcoming actions in three cities of two countries, and some that do not count."""

    async def at(city_id: int | None, city: str, country: str, **more: object) -> int:
        return (await make_action(city_id=city_id, city=city, country=country, **more)).id

    return {
        "belgrade late": await at(BELGRADE, "Belgrade", "RS", starts_at=START + timedelta(1)),
        "belgrade": await at(BELGRADE, "Belgrade", "RS"),
        "nis": await at(NIS, "Niš", "RS"),
        "lyon": await at(LYON, "Lyon", "FR"),
        "serbia, no city": await at(None, "", "RS"),
        "past": await at(LYON, "Lyon", "FR", starts_at=NOW - timedelta(hours=1)),
        "nowhere": await at(None, "", ""),
    }


async def test_countries_with_the_most_upcoming_actions_come_first(
    store: Store, make_action: ActionFactory
) -> None:
    ids = await make_places(make_action)
    await store.cancel_action(ids["lyon"], ORGANISER, NOW)
    await make_action(city_id=LYON, city="Lyon", country="FR")
    await make_action(city_id=None, city="", country="AR")
    assert await store.upcoming_countries(NOW) == [
        PlaceCount("RS", "", 4),
        PlaceCount("AR", "", 1),
        PlaceCount("FR", "", 1),
    ]
    assert await store.upcoming_countries(START + timedelta(hours=1)) == [PlaceCount("RS", "", 1)]


async def test_cities_of_a_country_with_the_most_upcoming_actions_come_first(
    store: Store, make_action: ActionFactory
) -> None:
    await make_places(make_action)
    assert await store.upcoming_cities(NOW, "RS") == [
        PlaceCount("RS", "Belgrade", 2, BELGRADE),
        PlaceCount("RS", "Niš", 1, NIS),
    ]
    assert await store.upcoming_cities(NOW, "FR") == [PlaceCount("FR", "Lyon", 1, LYON)]
    assert await store.upcoming_cities(NOW, "DE") == []


async def test_the_actions_of_a_country_or_one_of_its_cities(
    store: Store, make_action: ActionFactory
) -> None:
    ids = await make_places(make_action)
    in_serbia = await store.upcoming_actions_in(NOW, "RS", None, limit=10)
    assert [a.id for a in in_serbia] == [
        ids["belgrade"],
        ids["nis"],
        ids["serbia, no city"],
        ids["belgrade late"],
    ]
    in_belgrade = await store.upcoming_actions_in(NOW, "RS", BELGRADE, limit=10)
    assert [a.id for a in in_belgrade] == [ids["belgrade"], ids["belgrade late"]]
    page = await store.upcoming_actions_in(NOW, "RS", None, limit=2, offset=2)
    assert [a.id for a in page] == [ids["serbia, no city"], ids["belgrade late"]]
    assert await store.upcoming_actions_in(NOW, "FR", NIS, limit=10) == [], "Niš is in RS"


async def test_actions_near_me_are_those_with_coordinates(
    store: Store, make_action: ActionFactory
) -> None:
    campaign, _ = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    mapped = await make_action(latitude=44.8, longitude=20.4, starts_at=START + timedelta(1))
    in_campaign = await make_action(latitude=45.2, longitude=19.8, campaign_id=campaign.id)
    await make_action(latitude=None, longitude=None)
    await make_action(latitude=43.3, longitude=21.9, starts_at=NOW - timedelta(hours=1))
    cancelled = await make_action(latitude=43.3, longitude=21.9)
    await store.cancel_action(cancelled.id, ORGANISER, NOW)
    assert await store.located_upcoming_actions(NOW) == [in_campaign, mapped]
    assert await store.located_upcoming_actions(NOW, campaign.id) == [in_campaign]


async def test_a_host_hosts_their_own_actions_only(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    ana, ben = await make_member(), await make_member()
    first = await make_action(host_id=ana.user_id)
    past = await make_action(host_id=ana.user_id, starts_at=NOW - timedelta(days=1))
    await make_action(host_id=ben.user_id)
    await make_action()
    assert await store.hosted_action_ids(ana.user_id) == {first.id, past.id}
    assert await store.hosted_action_ids(ORGANISER) == frozenset()
