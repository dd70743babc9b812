"""Local actions worldwide: members propose, organisers decide, hosts run their own action,
everyone finds the one near them, and campaigns group it all (README, "Local actions")."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import geojson

from tests.e2e.conftest import (
    Clock,
    RunningBot,
    button_data,
    labels,
    running,
    shown,
    started,
    text_of,
)
from tests.e2e.test_review import submit
from turnout.config import Settings
from turnout.handlers.common.floodgate import FloodGate
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, NewAction, ReportStatus

REFUSAL = "Sorry, that is not for you: your role does not allow it."
NEXT_YEAR = datetime.now(UTC).year + 1
#: The end step's Skip: the default duration.
SKIP_END = "Skip: it lasts 2 hours"


async def propose(
    member: FakeUser,
    *,
    title: str = "Picket for clean air",
    city: str = "Lisboa",
    pick: str = "Lisbon, Portugal",
    when: str = f"{NEXT_YEAR}-06-07 18:00",
    meeting: str = "Praça do Comércio",
    expected: str | None = "40",
    start: Callable[[], Awaitable[object]] | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """The whole /propose conversation (``start`` opens it another way; ``expected`` None
    answers "I don't know yet"; ``end`` None skips the end); returns the bot's last answer."""
    await (start() if start is not None else member.send("/propose"))
    assert "What is it called" in text_of(await member.reply())
    await member.send(title)
    assert "In which city" in text_of(await member.reply())
    await member.send(city)
    # The first city searched in a process loads the gazetteer (1.5 s on a quiet machine, more
    # with other test processes beside it): a bound for that, not a pause.
    choices = await member.reply(timeout=30)
    assert pick in labels(choices), labels(choices)
    await member.press(pick)
    asking = text_of(await member.reply())
    assert f"in {pick} time" in asking
    await member.send(when)
    confirm = text_of(await member.reply())
    assert "I read that as" in confirm and f"{pick} time" in confirm, confirm
    await member.press("Yes")
    assert "When does it end?" in text_of(await member.reply())
    if end is None:
        await member.press(SKIP_END)
    else:
        await member.send(end)
        assert "It runs" in text_of(await member.reply())
    assert "meet" in text_of(await member.reply())
    await member.send(meeting)
    await member.reply()
    await member.press("Skip")
    assert "How many" in text_of(await member.reply())
    await (member.send(expected) if expected is not None else member.press("I don't know yet"))
    preview = await member.reply()
    assert title in shown(preview)
    await member.press("Send the proposal")
    return await member.reply()


def forms_are_no_flood(bot: RunningBot) -> None:
    """Two whole /propose forms within ten seconds are more than 20 updates: the flood gate
    (tests/unit/test_flood.py) would take the second for a flood. Nobody fills forms that fast."""
    bot.application.bot_data.flood = FloodGate(limit=200)


async def test_a_proposer_sees_the_time_read_and_changes_any_answer_from_the_preview(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(ana)
    await ana.send("/propose")
    await ana.reply()
    await ana.send("Picket for clean air")
    await ana.reply()
    await ana.send("Lisboa")
    await ana.reply()
    await ana.press("Lisbon, Portugal")
    await ana.reply()
    await ana.send(f"{NEXT_YEAR}-06-06 11:00")
    read = text_of(await ana.reply())
    assert "11:00" in read and "Lisbon, Portugal time" in read, read
    await ana.press("No, let me retype it")
    assert "Lisbon, Portugal time" in text_of(await ana.reply())
    await ana.send(f"{NEXT_YEAR}-06-07 18:00")
    assert "6:00" in text_of(await ana.reply())
    await ana.press("Yes")
    await ana.reply()
    await ana.press(SKIP_END)
    await ana.reply()
    await ana.send("Praça do Comércio")
    await ana.reply()
    await ana.press("Skip")
    await ana.reply()
    await ana.send("40")
    preview = await ana.reply()
    assert labels(preview) == [
        "Send the proposal",
        "✏️ Title",
        "✏️ City",
        "✏️ Time",
        "✏️ End",
        "✏️ Meeting point",
        "✏️ Description",
        "✏️ Expected",
        "Cancel",
    ]

    await ana.press("✏️ Title", message=preview)
    await ana.reply()
    await ana.send("Clean air picket")
    assert "Clean air picket" in shown(await ana.reply())  # straight back to the preview
    await ana.press("✏️ Time")
    await ana.reply()
    await ana.send(f"{NEXT_YEAR}-06-07 19:30")
    assert "7:30" in text_of(await ana.reply())
    await ana.press("Yes")
    again = shown(await ana.reply())
    assert "7:30" in again and "Praça do Comércio" in again  # the rest as it was
    await ana.press("✏️ Description")
    await ana.reply()
    await ana.send("Bring a mask.")
    await ana.press("Send the proposal", message=await ana.reply())
    assert "Sent!" in text_of(await ana.reply())
    assert bot.rows("SELECT title, description FROM proposals") == [
        ("Clean air picket", "Bring a mask.")
    ]
    assert bot.rows("SELECT starts_at FROM proposals") == [(f"{NEXT_YEAR}-06-07 18:30:00",)]


async def test_a_proposal_found_by_city_name_becomes_an_action_its_proposer_hosts(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    await started(ana)
    assert "Sent!" in text_of(await propose(ana))

    notice = await owner.reply()
    assert "Proposal #1" in text_of(notice)
    assert "Picket for clean air" in shown(notice)
    assert "Lisbon, Portugal" in shown(notice)
    assert "6:00" in shown(notice)
    assert "WEST" in shown(notice)  # Lisbon's summer time, not the organiser's zone
    assert "Ana" not in shown(notice)  # by pseudonym: she did not choose to show her name
    await owner.press("✅ Approve", message=notice)
    assert await owner.callback_answer()
    decided = await owner.edit()
    assert "Approved and published." in shown(decided)

    told = shown(await ana.reply())
    assert "was approved" in told
    assert "You are its host" in told
    (row,) = bot.rows("SELECT id, city, country, timezone, starts_at, host_id FROM actions")
    action_id, city, country, zone, starts_at, host = row
    assert (city, country, zone, host) == ("Lisbon", "PT", "Europe/Lisbon", ana.id)
    assert starts_at == f"{NEXT_YEAR}-06-07 17:00:00"  # 18:00 WEST is 17:00 UTC
    assert bot.rows("SELECT role FROM roles WHERE user_id = :u", u=ana.id) == [("host",)]
    # Her command menu has the host's commands at once, not after a restart.
    assert "review" in await bot.menu_of(ana, expect="review")
    assert bot.rows("SELECT action FROM audit_log WHERE action LIKE 'proposal:%'") == [
        ("proposal:submit",),
        ("proposal:approve",),
    ]

    # A member in Belgrade sees the Lisbon time of a Lisbon action.
    ben = telegram.add_user("Ben", language_code="en")
    await started(ben)
    await bot.services.store.set_timezone(ben.id, "Europe/Belgrade", bot.services.clock())
    await ben.send(f"/start act_{action_id}")
    seen = shown(await ben.reply())
    assert "6:00\u202fPM \u2013 8:00\u202fPM WEST" in seen
    assert "Praça do Comércio, Lisbon" in seen

    # The host moves her action by an hour, in Lisbon time.
    await ana.send(f"/start act_{action_id}")
    card = await ana.reply()
    assert "Edit" in labels(card)
    await ana.press("Edit", message=card)
    await ana.reply()
    await ana.press("Time (postpone)")
    assert "Europe/Lisbon" in text_of(await ana.reply())
    await ana.send(f"{NEXT_YEAR}-06-07 19:00")
    assert "New: Mon, Jun 7, " in shown(await ana.reply())
    await ana.press("✅ Confirm")
    assert text_of(await ana.reply()) == "Saved."
    assert "7:00\u202fPM \u2013 9:00\u202fPM WEST" in shown(await ana.reply())  # the end moved too
    assert bot.rows("SELECT starts_at FROM actions") == [(f"{NEXT_YEAR}-06-07 18:00:00",)]

    # ...but plans nothing else.
    await ana.send("/newaction")
    assert text_of(await ana.reply()) == REFUSAL


async def an_action_elsewhere(bot: RunningBot, title: str, **where: Any) -> Action:
    data = bot.services
    now = data.clock()
    values: dict[str, Any] = {
        "title": title,
        "description": "",
        "starts_at": now + timedelta(days=2),
        "timezone": "UTC",
        "place": "",
        "latitude": None,
        "longitude": None,
        "capacity": None,
        "reminder_minutes": (),
    }
    return await data.store.create_action(NewAction(**(values | where)), 1, [], now)


async def test_a_host_reviews_the_reports_of_her_action_and_no_other(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(owner)
    await started(ana)
    await propose(ana)
    await owner.reply()
    await owner.press("✅ Approve")
    await owner.callback_answer()
    await ana.reply()
    other = await an_action_elsewhere(bot, "Tenants' picket")
    ben, cleo = telegram.add_user("Ben"), telegram.add_user("Cleo")
    await started(ben)
    await started(cleo)
    hers = await submit(ben, "Picket for clean air", text="We were forty.")
    theirs = await submit(cleo, "Tenants' picket", text="Twelve of us.")

    await ana.send("/review")
    card = None
    for _ in range(3):
        card = await ana.reply()
        if any("Approve" in label for label in labels(card)):
            break
    assert card is not None
    assert f"Report #{hers}" in shown(card)
    assert "We were forty." in shown(card)

    await ana.send(f"/review {other.id}")
    assert text_of(await ana.reply()) == REFUSAL
    # A forged button for the other action's report decides nothing.
    forged = await ana.press_data(f"rv:ok:{theirs}:0", card)
    assert await answer_to(telegram, forged) == REFUSAL
    assert bot.rows("SELECT status FROM reports WHERE id = :id", id=theirs) == [("pending",)]

    # Nor may she browse another action's reports, nor all of them, through Skip or Next.
    for scope in (other.id, 0):
        forged = await ana.press_data(f"rv:next:{hers}:{scope}", card)
        assert await answer_to(telegram, forged) == REFUSAL
    assert not any("Twelve of us." in shown(m) for m in ana.inbox)
    # And the other action's Edit and Cancel are not hers either.
    for forged_data in (
        f"org:{other.id}:edit",
        f"org:{other.id}:cancel_yes",
        f"orf:{other.id}:time",
    ):
        forged = await ana.press_data(forged_data, card)
        assert await answer_to(telegram, forged) == REFUSAL
    assert bot.rows("SELECT status FROM actions WHERE id = :id", id=other.id) == [("planned",)]

    await ana.press("✅ Approve", message=card)
    await ana.callback_answer()
    await eventually_status(bot, hers, ReportStatus.APPROVED)

    def decided() -> dict[str, Any]:
        return next(m for m in ana.inbox if m["message_id"] == card["message_id"])

    await telegram.wait_until(lambda: "Next report" in labels(decided()))
    assert not any("Publish" in label for label in labels(decided()))  # organisers publish


async def answer_to(telegram: FakeTelegram, update: dict[str, Any]) -> str | None:
    """The text the bot answered a button press with."""
    query_id = update["callback_query"]["id"]

    def answers() -> list[dict[str, Any]]:
        return [a for a in telegram.callback_answers if a["callback_query_id"] == query_id]

    await telegram.wait_until(lambda: bool(answers()))
    text = answers()[0].get("text")
    return str(text) if text is not None else None


async def eventually_status(bot: RunningBot, report: int, status: ReportStatus) -> None:
    async with asyncio.timeout(5):
        while bot.rows("SELECT status FROM reports WHERE id = :id", id=report) != [(status,)]:
            await asyncio.sleep(0.02)


async def test_a_rejected_proposal_tells_the_proposer_why(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    await started(ana)
    await propose(ana)
    notice = await owner.reply()
    await owner.press("❌ Reject", message=notice)
    await owner.callback_answer()
    assert "Why is proposal #1 rejected" in text_of(await owner.reply())
    await owner.send("There is already a picket there that day.")
    confirm = shown(await owner.reply())
    assert "The proposer will be told:" in confirm
    assert "Reason: There is already a picket there that day." in confirm
    assert bot.rows("SELECT status FROM proposals") == [("pending",)]  # not before Confirm
    await owner.press("✅ Confirm")
    await owner.callback_answer()
    assert text_of(await owner.reply()) == "Rejected."
    told = shown(await ana.reply())
    assert "was not approved" in told
    assert "Reason: There is already a picket there that day." in told
    assert bot.rows("SELECT COUNT(*) FROM actions") == [(0,)]
    assert bot.rows("SELECT status, reason FROM proposals") == [
        ("rejected", "There is already a picket there that day.")
    ]


async def test_no_reason_rejects_only_its_own_proposal_and_a_stale_one_waits(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(owner)
    await started(ana)
    await propose(ana)
    first = await owner.reply()
    await propose(ana, title="Second picket")
    second = await owner.reply()
    await owner.press("❌ Reject", message=first)
    first_prompt = await owner.reply()
    await owner.press("❌ Reject", message=second)
    closed, _ = await owner.replies(2)
    assert "Closed without saving anything: the rejection of a proposal" in text_of(closed)
    # The first question is closed by the second (its keyboard is gone): its "No reason",
    # pressed on a screen not yet refreshed, rejects nothing.
    assert labels(owner.chat.messages[first_prompt["message_id"]].view()) == []
    stale = await owner.press_data(button_data(first_prompt, "No reason"), first_prompt)
    assert "This question is closed" in (await answer_to(telegram, stale) or "")
    assert bot.rows("SELECT status FROM proposals ORDER BY id") == [("pending",), ("pending",)]
    await owner.press("No reason")
    assert text_of(await owner.reply()) == "Rejected."
    assert bot.rows("SELECT status, reason FROM proposals ORDER BY id") == [
        ("pending", None),
        ("rejected", None),
    ]
    told = shown(await ana.reply())
    assert "Second picket" in told
    assert "Reason" not in told
    # A proposal left waiting is listed again, with its buttons.
    await owner.send("/proposals")
    listed = await owner.reply()
    assert "Proposal #1" in shown(listed)
    assert "✅ Approve" in labels(listed)


async def test_forgetme_takes_the_proposals_and_keeps_the_trust_given(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    from tests.e2e.test_privacy import rows_holding

    await started(owner)
    await started(ana)
    await propose(ana)
    await owner.reply()
    await owner.send(f"/grant {ana.id} organiser")
    await owner.reply()
    await ana.reply()
    ben = telegram.add_user("Ben")
    await started(ben)
    await propose(ben, title="Ben's picket")
    for _ in range(2):  # both notices reach the owner and the new organiser
        notice = await ana.reply()
        if "Ben's picket" in shown(notice):
            break
    await ana.press("✅ Approve and trust", message=notice)
    await ana.callback_answer()
    await ben.reply()

    await ana.send("/forgetme")
    await ana.press("Delete everything", message=await ana.reply())
    await telegram.wait_until(lambda: "Deleted" in shown(ana.inbox[-1]), timeout=5)
    assert rows_holding(bot, ana.id) == []
    assert bot.rows("SELECT title FROM proposals") == [("Ben's picket",)]
    # Ben stays trusted: his next proposal is published at once.
    assert "Published" in text_of(
        await propose(ben, title="Ben's second", when=f"{NEXT_YEAR}-07-01 18:00")
    )


async def test_a_trusted_hosts_next_proposal_is_published_directly(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(owner)
    await started(ana)
    await propose(ana)
    await owner.reply()
    await owner.press("✅ Approve and trust")
    await owner.callback_answer()
    await ana.reply()

    published = await propose(ana, title="Second picket", when=f"{NEXT_YEAR}-07-01 18:00")
    assert "Published" in text_of(published)
    assert bot.rows("SELECT title, host_id FROM actions ORDER BY id") == [
        ("Picket for clean air", ana.id),
        ("Second picket", ana.id),
    ]
    await owner.no_reply(within=0.5)


async def test_near_me_lists_upcoming_actions_by_distance_and_offers_the_timezone(
    bot: RunningBot, ana: FakeUser
) -> None:
    await an_action_elsewhere(bot, "Novi Sad march", latitude=45.2671, longitude=19.8335)
    await an_action_elsewhere(bot, "Belgrade picket", latitude=44.8125, longitude=20.4612)
    await an_action_elsewhere(bot, "Somewhere meeting")  # no coordinates: not listed
    await started(ana)
    await ana.send("/actions")
    listing = await ana.reply()
    await ana.press("📍 Near me", message=listing)
    await ana.callback_answer()
    assert "Share your location" in text_of(await ana.reply())

    # The channel post's "Find an action near you" leads to the same question.
    await ana.send("/start near")
    assert "Share your location" in text_of(await ana.reply())
    await ana.send_location(44.8176, 20.4569)  # Republic Square, Belgrade
    found = await ana.reply()
    assert "The 2 nearest upcoming actions:" in text_of(found)
    first, second = labels(found)
    assert first.startswith("660 m · ")
    assert first.endswith("Belgrade picket")
    assert second.startswith("70 km · ")
    assert second.endswith("Novi Sad march")

    offer = await ana.reply()
    assert "Europe/Belgrade" in text_of(offer)
    await ana.press("Use Europe/Belgrade", message=offer)
    await ana.callback_answer()
    assert bot.rows("SELECT timezone FROM members WHERE user_id = :u", u=ana.id) == [
        ("Europe/Belgrade",)
    ]


async def test_actions_are_found_by_country_and_city(bot: RunningBot, ana: FakeUser) -> None:
    for title, city_id, city, country in (
        ("Belgrade picket", 792680, "Belgrade", "RS"),
        ("Belgrade march", 792680, "Belgrade", "RS"),
        ("Novi Sad march", 3194360, "Novi Sad", "RS"),
        ("Lisbon picket", 2267057, "Lisbon", "PT"),
    ):
        await an_action_elsewhere(bot, title, city_id=city_id, city=city, country=country)
    await started(ana)
    await ana.send("/actions")
    await ana.reply()
    await ana.press("🌍 By place")
    await ana.callback_answer()
    countries = await ana.edit()
    assert labels(countries)[:2] == ["Serbia (3)", "Portugal (1)"]
    await ana.press("Serbia (3)", message=countries)
    await ana.callback_answer()
    cities = await ana.edit()
    assert labels(cities)[:2] == ["Belgrade (2)", "Novi Sad (1)"]
    await ana.press("Belgrade (2)", message=cities)
    await ana.callback_answer()
    found = await ana.edit()
    assert "2 upcoming actions in Belgrade, Serbia:" in shown(found)
    assert [label.split(" · ")[-1] for label in labels(found)] == [
        "Belgrade picket",
        "Belgrade march",
    ]


async def test_a_campaign_gathers_its_proposals_and_exports_them_as_geojson(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    await started(ana)
    await owner.send("/campaign Clean Air Day")
    created = shown(await owner.reply())
    assert "New campaign Clean Air Day" in created
    (campaign_id,) = bot.rows("SELECT id FROM campaigns")[0]
    assert f"start=prop_{campaign_id}" in created

    await ana.send(f"/start prop_{campaign_id}")
    invitation = await ana.reply()
    assert "Clean Air Day" in shown(invitation)
    await ana.press("Propose an action", message=invitation)
    assert "What is it called" in text_of(await ana.reply())
    await ana.send("/cancel")
    await ana.reply()
    # Through the button the proposal belongs to the campaign.
    await ana.send(f"/start prop_{campaign_id}")
    invitation = await ana.reply()
    await propose(
        ana,
        title="Clean air picket",
        expected=None,
        start=lambda: ana.press("Propose an action", message=invitation),
    )
    await owner.reply()
    await owner.press("✅ Approve")
    await owner.callback_answer()
    await ana.reply()
    now = datetime.now(UTC)
    for title in ("Town rally", "Unrelated rally"):
        await bot.services.store.create_action(
            NewAction(title, "", now + timedelta(days=3), "UTC", "", 44.8, 20.46, None, ()),
            1, [], now,
        )  # fmt: skip
    # An organiser puts an action of their own into the campaign.
    await owner.send("/start act_2")
    await owner.press("Edit", message=await owner.reply())
    await owner.press("Campaign", message=await owner.reply())
    assert "/campaign lists them" in text_of(await owner.reply())
    await owner.send("No such campaign")
    assert "There is no campaign" in text_of(await owner.reply())
    await owner.send("clean air day")
    assert "New: clean air day" in shown(await owner.reply())
    await owner.press("✅ Confirm")
    assert text_of(await owner.reply()) == "Saved."
    await owner.reply()

    await owner.send("/campaign clean air day")
    overview = shown(await owner.reply())
    assert "Campaign Clean Air Day" in overview
    assert "2 actions" in overview
    assert "Portugal" in overview
    assert "Lisbon: 1" in overview
    assert "Without a city" in overview
    assert "1 host" in overview

    await owner.send("/export Clean Air Day")
    await owner.reply()
    document = None
    for _ in range(3):
        message = await owner.reply(timeout=20)
        if "document" in message:
            document = message
            break
    assert document is not None
    stored = telegram.world.files.get(document["document"]["file_id"])
    assert stored is not None
    with zipfile.ZipFile(io.BytesIO(stored.content)) as archive:
        collection = geojson.loads(archive.read("actions.geojson").decode())
    assert collection.is_valid, collection.errors()
    titles = [f["properties"]["title"] for f in collection["features"]]
    assert titles == ["Clean air picket", "Town rally"]  # not the unrelated rally
    feature = collection["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert (round(lat, 1), round(lon, 1)) == (38.7, -9.1)
    assert json.loads(json.dumps(feature))["properties"]["country"] == "PT"


async def test_an_organiser_in_belgrade_plans_a_picket_in_lisbon_in_lisbon_time(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    data = bot.services
    await started(owner)
    await data.store.set_timezone(owner.id, "Europe/Belgrade", data.clock())
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Picket at the ministry")
    assert "Here, in my time zone (Europe/Belgrade)" in labels(await owner.reply())
    await owner.send("lisbon")
    await owner.press("Lisbon, Portugal", message=await owner.reply())
    assert "(time zone Europe/Lisbon)" in text_of(await owner.reply())
    await owner.send(f"{NEXT_YEAR}-01-15 18:00")  # winter: WET, UTC+0
    assert "6:00\u202fPM WET" in shown(await owner.reply())
    await owner.press("Yes")
    await owner.reply()
    await owner.press(SKIP_END)
    await owner.reply()
    await owner.send("Ministry steps")
    await owner.reply()
    await owner.press("Skip")
    await owner.reply()
    await owner.press("No limit")
    await owner.reply()
    await owner.press("Default (24h,2h)")
    await owner.reply()
    await owner.press("Create")
    await owner.reply()
    assert bot.rows("SELECT timezone, city, country, starts_at FROM actions") == [
        ("Europe/Lisbon", "Lisbon", "PT", f"{NEXT_YEAR}-01-15 18:00:00")
    ]
    # At the city's centre, so "near me" finds it.
    ((lat, lon),) = bot.rows("SELECT latitude, longitude FROM actions")
    assert (round(lat, 1), round(lon, 1)) == (38.7, -9.1)
    # A member anywhere reads the Lisbon time.
    await started(ana)
    await data.store.set_timezone(ana.id, "Asia/Tokyo", data.clock())
    await ana.send("/start act_1")
    assert "6:00\u202fPM \u2013 8:00\u202fPM WET" in shown(await ana.reply())


async def test_an_action_in_no_city_can_take_a_time_zone_instead(
    bot: RunningBot, owner: FakeUser
) -> None:
    await started(owner)
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Online assembly")
    await owner.reply()
    await owner.send("Xqzzyville")
    assert "I found no city called “Xqzzyville”" in shown(await owner.reply())
    await owner.send("UTC+3")
    assert "(time zone UTC+3)" in text_of(await owner.reply())  # as typed, not Etc/GMT-3


async def test_a_proposal_placed_by_a_shared_location_takes_its_city_and_zone(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(ana)
    await ana.send("/propose")
    await ana.reply()
    await ana.send("Picket at the port")
    await ana.reply()
    await ana.send_location(38.7069, -9.1366)  # Cais do Sodré, Lisbon
    assert "(Europe/Lisbon)" in text_of(await ana.reply())
    await ana.send(f"{NEXT_YEAR}-06-07 18:00")
    assert "I read that as" in text_of(await ana.reply())
    await ana.press("Yes")
    await ana.reply()
    await ana.press(SKIP_END)
    assert "meet" in text_of(await ana.reply())
    await ana.send("At the ferry terminal")
    await ana.reply()
    await ana.press("Skip")
    await ana.reply()
    await ana.press("I don't know yet")
    preview = shown(await ana.reply())
    assert "Lisbon" in preview
    await ana.press("Send the proposal")
    await ana.reply()
    assert bot.rows("SELECT city, country, timezone, latitude, longitude FROM proposals") == [
        ("Lisbon", "PT", "Europe/Lisbon", 38.7069, -9.1366)
    ]


async def test_a_zone_typed_for_the_city_is_a_zone_not_a_city_that_starts_so(
    bot: RunningBot, owner: FakeUser
) -> None:
    await started(owner)
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Call-in day")
    await owner.reply()
    await owner.send("UTC")  # not Utrecht
    assert "(time zone UTC)" in text_of(await owner.reply())


async def test_a_host_sees_a_member_by_pseudonym_even_when_they_show_their_name(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    await started(ana)
    await propose(ana)
    await owner.reply()
    await owner.press("✅ Approve")
    await owner.callback_answer()
    await ana.reply()
    ben = telegram.add_user("Ben")
    await started(ben)
    await ben.send("/settings")
    await ben.press("Show my name to organisers", message=await ben.reply())
    await ben.callback_answer()
    await ben.edit()
    report = await submit(ben, "Picket for clean air", text="We were forty.")

    await ana.send("/review")  # the host of the action
    card = None
    for _ in range(3):
        card = await ana.reply()
        if any("Approve" in label for label in labels(card)):
            break
    assert card is not None
    assert f"Report #{report}" in shown(card)
    assert "by Member " in shown(card) and "Ben" not in shown(card)

    await owner.send("/review")  # an organiser, whom Ben chose to show his name to
    assert "(Ben)" in shown(await owner.reply())


async def test_a_member_may_propose_three_actions_a_day(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.world.clock = lambda: bot.clock().timestamp()  # messages dated by the bot's clock
    await started(owner)
    await started(ana)
    for n in range(3):
        await propose(ana, title=f"Picket number {n + 1}")
        await owner.reply()  # each one is a notice to every organiser
        bot.clock.advance(timedelta(seconds=11))  # not a flood: one form every few minutes
    await ana.send("/propose")
    assert "3 proposals in the last 24 hours" in text_of(await ana.reply())
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]  # no form to fill in vain
    await owner.no_reply(within=0.5)

    await bot.skip(timedelta(hours=24, minutes=1))
    await propose(ana, title="The next day's picket")
    assert bot.rows("SELECT COUNT(*) FROM proposals") == [(4,)]


async def test_open_the_action_in_the_review_chat_says_where_the_card_went(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    ana: FakeUser,
) -> None:
    group = telegram.add_group("Reviewers")
    stranger = telegram.add_user("Sam", started=False)  # in the group, never wrote to the bot
    async with running(make_settings(review_chat_id=group.id), clock, telegram):
        await started(owner)
        await started(ana)
        await propose(ana)
        await telegram.wait_until(lambda: bool(telegram.bot_messages(group)))
        await owner.press("✅ Approve", message=telegram.bot_messages(group)[-1])
        await owner.callback_answer()
        await telegram.wait_until(
            lambda: any("Open the action" in labels(m) for m in telegram.bot_messages(group))
        )
        [decided] = [m for m in telegram.bot_messages(group) if "Open the action" in labels(m)]
        before = len(owner.inbox)

        await owner.press("Open the action", message=decided)
        assert (await owner.callback_answer())["text"] == "Sent to your private chat with me."
        await telegram.wait_until(lambda: len(owner.inbox) > before)
        assert "Picket for clean air" in shown(owner.inbox[-1])

        await stranger.press("Open the action", message=decided)
        toast = await stranger.callback_answer()
        assert "send /start" in toast["text"] and toast["show_alert"]
