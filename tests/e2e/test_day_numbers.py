"""The day of an action in numbers (README, "Action day"): ``/stats`` of one action and of
everything shows going, here, the safety answers and reports per attendee once members checked
in; the export holds the same counts and never who checked in or who needed help."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import RunningBot, connect, shown, started, text_of
from tests.e2e.test_actions import make_action, organiser_of
from tests.e2e.test_review import submit
from turnout.pseudonym import pseudonym
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 20}


def safety_check_answered(bot: RunningBot, action_id: int, answers: dict[int, str]) -> None:
    """The safety check asked and answered, as it leaves the database (built in its own
    slice: written straight to the file here)."""
    with closing(connect(bot.db_path)) as db, db:
        db.execute("UPDATE actions SET safety_round = 1 WHERE id = ?", (action_id,))
        for user_id, answer in answers.items():
            db.execute(
                "UPDATE checkins SET safety = ? WHERE action_id = ? AND user_id = ?",
                (answer, action_id, user_id),
            )


async def a_day_under_way(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> tuple[FakeUser, Action, list[FakeUser]]:
    """Six going to the River Rally, one of them to a picket next week too. The rally begins;
    five check in, Ana with a location nearby; at the safety check Ben needs help, Cleo and
    Dan are safe, Ana and Eva have not answered; Ana sends a report. Returns the organiser,
    the rally and the six."""
    store = bot.services.store
    now = bot.clock()
    rally = await make_action(
        bot,
        title="River Rally",
        starts_at=now + timedelta(minutes=30),
        latitude=45.2551,
        longitude=19.8451,
    )
    picket = await make_action(bot, title="Picket")
    olga = await organiser_of(bot, owner, owner)
    people = [ana, ben, *(telegram.add_user(name) for name in ("Cleo", "Dan", "Eva", "Fil"))]
    for member in people:
        await started(member)
        assert await store.answer_rsvp(rally.id, member.id, Answer.GOING, now)
    assert await store.answer_rsvp(picket.id, people[-1].id, Answer.GOING, now)
    bot.clock.advance(timedelta(minutes=45))  # under way
    for member in people[:5]:
        assert await store.check_in(rally.id, member.id, bot.clock(), confirmed=member is ana)
    cleo, dan = people[2], people[3]
    safety_check_answered(bot, rally.id, {ben.id: "help", cleo.id: "safe", dan.id: "safe"})
    await submit(ana, "River Rally", text="Two hundred on the bridge")
    return olga, rally, people


async def test_stats_show_going_here_safety_and_reports_per_attendee(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    olga, rally, _ = await a_day_under_way(bot, telegram, owner, ana, ben)

    await olga.send(f"/stats {rally.id}")
    counts = shown(await olga.reply())
    assert "On the day: 6 going, 5 here (1 confirmed by location)" in counts
    assert "Safety check: 2 safe, 1 needs help, 2 no answer" in counts
    assert "Reports per person here: 0.2 (1 report, 5 here)" in counts
    chart = await olga.reply()
    assert chart["photo"]

    # Everything: the actions held so far, so not next week's picket nor Fil's "going" to it.
    await olga.send("/stats")
    counts = shown(await olga.reply())
    assert "1 action held so far: 6 going, 5 here (1 confirmed by location)" in counts
    assert "Safety check at 1 action: 2 safe, 1 needs help, 2 no answer" in counts
    assert "Reports per person here: 0.2 (1 report, 5 here)" in counts
    await olga.reply()  # its chart

    # A member sees none of it.
    await ana.send(f"/stats {rally.id}")
    assert "here" not in shown(await ana.reply())


async def test_stats_of_a_day_nobody_checked_in_count_reports_per_those_going(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    store = bot.services.store
    now = bot.clock()
    march = await make_action(bot, title="March", starts_at=now + timedelta(minutes=30))
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    assert await store.answer_rsvp(march.id, ana.id, Answer.GOING, now)
    assert await store.answer_rsvp(march.id, owner.id, Answer.GOING, now)
    bot.clock.advance(timedelta(hours=1))
    await submit(ana, "March", text="Quiet, and rainy")

    await olga.send(f"/stats {march.id}")
    counts = shown(await olga.reply())
    assert "On the day: 2 going, 0 here (0 confirmed by location)" in counts
    assert "Safety" not in counts  # nobody was asked
    assert "Reports per person going (nobody checked in): 0.5 (1 report, 2 going)" in counts


async def test_the_export_holds_the_counts_and_nobody_who_checked_in_or_needed_help(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    olga, rally, people = await a_day_under_way(bot, telegram, owner, ana, ben)

    await olga.send("/export")
    assert text_of(await olga.reply()) == "Preparing the export…"
    document = await telegram.wait_for_call("sendDocument", timeout=20)
    [upload] = document.files.values()
    archive = zipfile.ZipFile(io.BytesIO(upload.content))
    actions = list(csv.DictReader(io.StringIO(archive.read("actions.csv").decode())))
    assert [row["action"] for row in actions] == ["River Rally", "Picket"]
    day = actions[0]
    assert (day["going"], day["here"], day["here_confirmed"]) == ("6", "5", "1")
    assert (day["safety_check"], day["safe"], day["need_help"], day["no_answer"]) == (
        "asked",
        "2",
        "1",
        "2",
    )
    assert (day["reports"], day["reports_per_attendee"], day["attendees_counted"]) == (
        "1",
        "0.2",
        "here",
    )
    assert day["starts_utc"] == rally.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert day["ends_utc"] == rally.end.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (actions[1]["safety_check"], actions[1]["safe"]) == ("not_asked", "")

    # Counts only. Who checked in, and who needed help, is in no file: no Telegram id at all,
    # and the RSVPs have the columns they always had (everyone going, checked in or not).
    names = archive.namelist()
    everything = b"".join(archive.read(name) for name in names if not name.startswith("media/"))
    for member in people:
        assert str(member.id).encode() not in everything
    rsvps = list(csv.DictReader(io.StringIO(archive.read("rsvps.csv").decode())))
    assert list(rsvps[0]) == ["action_id", "action", "member", "answer", "answered_utc",
                              "answered_local"]  # fmt: skip
    key = await bot.services.store.pseudonym_key()
    ben_is = pseudonym(key, ben.id).encode()
    for name in names:
        if name != "rsvps.csv":
            assert ben_is not in archive.read(name), name
    [point] = json.loads(archive.read("actions.geojson"))["features"]
    assert point["properties"]["ends_utc"] == rally.end.isoformat()
    assert (point["properties"]["here"], point["properties"]["need_help"]) == (5, 1)
