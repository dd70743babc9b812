"""Campaigns on a real SQLite file: one per name, and what each has gathered."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import (
    ORGANISER,
    ActionFactory,
    CallFactory,
    ReportFactory,
    audited,
)
from turnout.storage import (
    Answer,
    CallStatus,
    CampaignOverview,
    PlaceCount,
    ReportStatus,
    Store,
)
from turnout.storage.migrations import bundled_migrations


async def test_a_campaign_is_made_once_per_name_in_any_case(store: Store) -> None:
    made, created = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    assert created
    again, created_again = await store.open_campaign("FAIR rent", 8, NOW)
    assert (again, created_again) == (made, False), "the name as first written"
    assert await store.campaign_named("fair rent") == made
    assert await store.campaign(made.id) == made
    assert await store.campaign(made.id + 1) is None
    assert await store.campaign_named("Fair Wages") is None
    [entry] = await store.audit_entries()
    assert (entry.action, entry.actor_id, json.loads(entry.detail)) == (
        "campaign:create",
        ORGANISER,
        {"campaign": made.id},
    )


@pytest.mark.parametrize(("name", "other_case"), [("Протест", "ПРОТЕСТ"), ("Grève", "GRÈVE")])
async def test_a_name_outside_ascii_is_the_same_campaign_in_any_case(
    store: Store, name: str, other_case: str
) -> None:
    made, _ = await store.open_campaign(name, ORGANISER, NOW)
    assert await store.open_campaign(other_case, ORGANISER, NOW) == (made, False)


async def test_organisers_naming_a_campaign_at_once_make_one(store: Store) -> None:
    results = await asyncio.gather(
        *(
            store.open_campaign(name, organiser, NOW)
            for organiser, name in enumerate(["Fair Rent", "fair rent", "FAIR RENT", "Fair Rent"])
        )
    )
    assert len({campaign for campaign, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    assert await store.campaigns() == [results[0][0]]


async def test_campaigns_are_newest_first(store: Store) -> None:
    for name in ("One", "Two", "Three"):
        await store.open_campaign(name, ORGANISER, NOW)
    assert [c.name for c in await store.campaigns()] == ["Three", "Two", "One"]
    assert [c.name for c in await store.campaigns(limit=1)] == ["Three"]


async def test_a_call_is_put_in_a_campaign_and_taken_out(
    store: Store, make_call: CallFactory
) -> None:
    campaign, _ = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    call = await make_call()
    await store.set_call_campaign(call.id, campaign.id)
    stored = await store.call(call.id)
    assert stored is not None
    assert stored.campaign_id == campaign.id
    await store.set_call_campaign(call.id, None)
    stored = await store.call(call.id)
    assert stored is not None
    assert stored.campaign_id is None


async def test_the_overview_counts_what_the_campaign_gathered(
    store: Store,
    make_action: ActionFactory,
    make_call: CallFactory,
    make_member: MemberFactory,
    make_report: ReportFactory,
) -> None:
    campaign, _ = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    other, _ = await store.open_campaign("Other", ORGANISER, NOW)
    ana, ben, cleo = [await make_member() for _ in range(3)]

    def here(city: str, country: str = "RS", **more: object) -> dict[str, object]:
        return {"campaign_id": campaign.id, "city": city, "country": country, **more}

    belgrade = await make_action(**here("Belgrade", host_id=ana.user_id))
    await make_action(**here("Belgrade", host_id=ana.user_id))
    nis = await make_action(**here("Niš", host_id=ben.user_id))
    past = await make_action(**here("Lyon", "FR"), starts_at=NOW - timedelta(days=3))
    cancelled = await make_action(**here("Niš", host_id=cleo.user_id))
    elsewhere = await make_action(campaign_id=other.id, city="Belgrade", country="RS")
    await store.cancel_action(cancelled.id, ORGANISER, NOW)

    await store.answer_rsvp(belgrade.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(belgrade.id, ben.user_id, Answer.MAYBE, NOW)
    await store.answer_rsvp(nis.id, cleo.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(elsewhere.id, cleo.user_id, Answer.GOING, NOW)
    await make_report(ana.user_id, action_id=past.id)
    rejected = await make_report(ben.user_id, action_id=nis.id)
    await store.decide_report(rejected.id, ReportStatus.REJECTED, None, ORGANISER, NOW)
    await store.open_draft(cleo.user_id, NOW)  # a draft is not a report yet
    await make_report(cleo.user_id, action_id=elsewhere.id)
    await make_call(campaign_id=campaign.id)
    await make_call(campaign_id=campaign.id, status=CallStatus.SCHEDULED, publish_at=NOW)
    await make_call(campaign_id=other.id)

    assert await store.campaign_overview(campaign) == CampaignOverview(
        campaign=campaign,
        places=(
            PlaceCount("FR", "Lyon", 1),
            PlaceCount("RS", "Belgrade", 2),
            PlaceCount("RS", "Niš", 1),
        ),
        actions=4,
        going=2,
        reports=2,
        hosts=2,
        calls=1,
    )


async def test_an_empty_campaign_has_nothing(store: Store) -> None:
    campaign, _ = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    assert await store.campaign_overview(campaign) == CampaignOverview(
        campaign, (), actions=0, going=0, reports=0, hosts=0, calls=0
    )
    assert await audited(store) == ["campaign:create"]


async def test_campaigns_named_before_the_fold_are_found_in_any_case(tmp_path: Path) -> None:
    """A database from before migration 16 keeps its campaigns, found in any case after it."""
    older = tmp_path / "older"
    older.mkdir()
    for migration in bundled_migrations().iterdir():
        if migration.name.endswith(".sql") and migration.name < "0016":
            (older / migration.name).write_text(migration.read_text())
    path = tmp_path / "turnout.db"
    await (await Store.open(path, migrations=older)).close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO campaigns (name, created_by, created_at) VALUES ('Grève', 1, '2026')"
        )

    store = await Store.open(path)
    try:
        found = await store.campaign_named("GRÈVE")
        assert found is not None and found.name == "Grève"
        assert (await store.open_campaign("grève", ORGANISER, NOW))[1] is False
    finally:
        await store.close()
