"""Reports as members send them: text, photos, albums and places, kept in order, submitted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Clock, RunningBot, labels, running, shown, started, text_of
from turnout.bot import jobs
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer, NewAction


@pytest.fixture
def review_chat(telegram: FakeTelegram) -> int:
    return telegram.add_group("Reviewers").id


@pytest.fixture
def settings_overrides(review_chat: int) -> dict[str, Any]:
    return {"report_rate": 2, "review_chat_id": review_chat, "digest_hour": 7}


@pytest.fixture(autouse=True)
def announce_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """New reports are announced together a little after the first; in tests, sooner."""
    monkeypatch.setattr(jobs, "NOTICE_BATCH", timedelta(seconds=0.5))


async def an_action(bot: RunningBot, title: str = "Clean River Rally") -> Action:
    data = bot.services
    now = data.clock()
    new = NewAction(title, "", now - timedelta(hours=3), "UTC", "Old bridge", None, None, None, ())
    return await data.store.create_action(new, 1, [], now)


async def begin(member: FakeUser, choice: str) -> None:
    await member.send("/report")
    assert "Which action" in text_of(await member.reply())
    await member.press(choice)
    await member.callback_answer()
    assert "/done" in text_of(await member.reply())


async def test_a_full_report_keeps_everything_in_order(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser, review_chat: int
) -> None:
    action = await an_action(bot)
    other = telegram.add_user("Ben")
    await started(ana)
    await begin(ana, "Clean River Rally")
    await started(other)
    await begin(other, "Clean River Rally")

    await ana.send("About 300 people came; the march was peaceful.")
    assert text_of(await ana.reply()) == "Text added."
    first = await ana.send_photo()
    await ana.reply()
    second = await ana.send_photo()
    await ana.reply()
    # Two albums arrive interleaved: each member's parts must stay with their own report.
    mine = ana.send_album(4, caption="The banner")
    theirs = other.send_album(3)

    album, _ = await asyncio.gather(mine, theirs)
    assert text_of(await ana.reply()) == "Album added (4 items)."
    await ana.no_reply(within=1.2)  # one acknowledgement for the whole album
    await ana.send_location(45.2671, 19.8335)
    assert text_of(await ana.reply()) == "Location added."

    await ana.send("/done")
    recap = await ana.reply()
    assert "6 photos, text, location" in shown(recap)
    assert labels(recap) == ["Submit", "Add more", "Cancel"]
    await ana.press("Submit")
    await ana.callback_answer()
    assert "report #1 was received" in text_of(await ana.reply())

    [(report_id, action_id, status, text)] = bot.rows(
        "SELECT id, action_id, status, text FROM reports WHERE user_id = :u", u=ana.id
    )
    assert (action_id, status) == (action.id, "pending")
    assert text.startswith("About 300 people came") and "The banner" in text
    ids = [m for (m,) in bot.rows(
        "SELECT message_id FROM report_media WHERE report_id = :r ORDER BY message_id", r=report_id
    )]  # fmt: skip
    expected = [first["message_id"], second["message_id"], *(m["message_id"] for m in album)]
    assert ids == expected
    # The review chat hears of it, by pseudonym only.
    notice = await telegram.wait_for_call(
        "sendMessage", where=lambda call: call.params.get("chat_id") == review_chat, timeout=10
    )
    assert notice.ok
    assert "New report #1" in notice.params["text"]
    assert "From Member " in notice.params["text"]
    assert "Ana" not in notice.params["text"] and str(ana.id) not in notice.params["text"]


async def test_limits_and_refusals(bot: RunningBot, telegram: FakeTelegram, ana: FakeUser) -> None:
    await an_action(bot)
    await started(ana)
    await begin(ana, "Other")
    for _ in range(30):
        await ana.send_photo()
        await ana.reply()
    await ana.send_photo()
    assert "at most 30 media items" in text_of(await ana.reply())
    sticker = telegram.world.store_message(
        ana.chat,
        {"sticker": {"file_id": "CAAS1", "file_unique_id": "S1", "type": "regular",
                     "width": 512, "height": 512, "is_animated": False, "is_video": False}},
        sender=ana.record,
    )  # fmt: skip
    telegram.deliver_message(sticker)
    assert "Stickers, polls and contacts" in text_of(await ana.reply())
    await ana.send("x" * 4001)
    assert "longer than 4000 characters" in text_of(await ana.reply())
    assert bot.rows("SELECT COUNT(*) FROM report_media") == [(30,)]


async def test_the_rate_limit_holds(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    for n in range(3):
        await begin(ana, "Other")
        await ana.send(f"Report {n}")
        await ana.reply()
        await ana.send("/done")
        await ana.reply()
        await ana.press("Submit")
        answer = await ana.callback_answer()
        if n < 2:
            await ana.reply()
        else:
            assert "2 reports in the last hour" in answer["text"]
    assert bot.rows("SELECT status, COUNT(*) FROM reports GROUP BY status") == [
        ("draft", 1),
        ("pending", 2),
    ]


async def test_withdrawing_does_not_reset_the_rate_limit(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    for n in range(3):
        await begin(ana, "Other")
        await ana.send(f"Report {n}")
        await ana.reply()
        await ana.send("/done")
        await ana.reply()
        await ana.press("Submit")
        answer = await ana.callback_answer()
        if n == 2:
            assert "2 reports in the last hour" in answer["text"]
            break
        await ana.reply()
        await ana.send("/myreports")
        await ana.press(f"Withdraw #{n + 1}", message=await ana.reply())
        assert "Withdrawn" in (await ana.callback_answer())["text"]
    assert bot.rows("SELECT status, COUNT(*) FROM reports GROUP BY status") == [("draft", 1)]


async def test_my_reports_and_withdrawing(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser
) -> None:
    await started(ana)
    await begin(ana, "Other")
    await ana.send("Leaflets handed out")
    await ana.reply()
    await ana.send("/done")
    await ana.reply()
    await ana.press("Submit")
    await ana.callback_answer()
    await ana.reply()
    await ana.send("/myreports")
    mine = await ana.reply()
    assert "#1 · no particular action · waiting for review" in shown(mine)
    mallory = telegram.add_user("Mallory")
    await started(mallory)
    await mallory.press_data("rpw:1", mallory.inbox[0])
    assert "Only your own reports" in (await mallory.callback_answer())["text"]
    assert bot.rows("SELECT COUNT(*) FROM reports") == [(1,)]
    await ana.press("Withdraw #1")
    assert "Withdrawn" in (await ana.callback_answer())["text"]
    assert bot.rows("SELECT COUNT(*) FROM reports") == [(0,)]


async def test_a_restart_between_two_photos_keeps_the_draft(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    ana = telegram.add_user("Ana")
    async with running(settings, clock, telegram):
        await started(ana)
        await begin(ana, "Other")
        await ana.send_photo()
        await ana.reply()
    async with running(settings, clock, telegram) as bot:
        await ana.send_photo()
        assert text_of(await ana.reply()) == "Added."
        await ana.send("/done")
        assert "2 photos" in shown(await ana.reply())
        assert bot.rows("SELECT COUNT(*) FROM report_media") == [(2,)]


async def test_the_deep_link_starts_a_report_for_its_action(bot: RunningBot, ana: FakeUser) -> None:
    action = await an_action(bot, "Tenants' Picket")
    await ana.send(f"/start rep_{action.id}")
    greeting, go_on = await ana.replies(2)
    assert "Hello, Ana" in text_of(greeting)
    assert "/done" in text_of(go_on)
    await ana.send("We were 40.")
    await ana.reply()
    await ana.send("/done")
    assert "Tenants' Picket" in shown(await ana.reply())


async def test_reports_sent_together_are_announced_together(
    bot: RunningBot, telegram: FakeTelegram, review_chat: int
) -> None:
    members = [telegram.add_user(name) for name in ("Ana", "Ben", "Cleo")]
    for member in members:
        await started(member)
        await begin(member, "Other")
        await member.send(f"Report from {member.first_name}")
        await member.reply()
        await member.send("/done")
        await member.reply()
    await asyncio.gather(*(member.press("Submit") for member in members))
    notice = await telegram.wait_for_call(
        "sendMessage", where=lambda call: call.params.get("chat_id") == review_chat, timeout=10
    )
    text = notice.params["text"]
    assert text.startswith("3 new reports:")
    assert [line.split(" · ")[0] for line in text.splitlines()[1:4]] == ["#1", "#2", "#3"]
    assert text.count("Member ") == 3
    for member in members:
        assert member.first_name not in text and str(member.id) not in text
    await asyncio.sleep(1.0)
    to_reviewers = [
        c for c in telegram.calls_to("sendMessage") if c.params["chat_id"] == review_chat
    ]
    assert len(to_reviewers) == 1


async def test_the_daily_digest_goes_out_once_a_day(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser, review_chat: int
) -> None:
    await an_action(bot, "Clean River Rally")
    data = bot.services
    now = data.clock()
    upcoming = NewAction("Bike Ride", "", now + timedelta(hours=30), "Europe/Lisbon", "Square",
                         None, None, None, ())  # fmt: skip
    ride = await data.store.create_action(upcoming, 1, [], now)
    await started(ana)
    await data.store.answer_rsvp(ride.id, ana.id, Answer.GOING, now)
    await begin(ana, "Other")
    await ana.send("Leaflets")
    await ana.reply()
    await ana.send("/done")
    await ana.reply()
    await ana.press("Submit")
    await ana.callback_answer()

    assert bot.application.job_queue is not None
    [job] = bot.application.job_queue.get_jobs_by_name("review-digest")
    assert job.next_t is not None and job.next_t.hour == 7  # TURNOUT_TIMEZONE is UTC here
    await job.run(bot.application)
    await job.run(bot.application)  # a second run the same day sends nothing more

    def digests() -> list[str]:
        return [
            c.params["text"]
            for c in telegram.calls_to("sendMessage")
            if c.params["chat_id"] == review_chat and "Daily digest" in c.params["text"]
        ]

    await telegram.wait_until(lambda: len(digests()) == 1, message="no digest", timeout=10)
    text = digests()[0]
    assert "1 new report" in text and "1 waiting for review" in text
    assert "1 RSVP · 1 new member" in text
    assert "Bike Ride" in text and "1 going" in text and "Clean River Rally" not in text
    await asyncio.sleep(0.5)
    assert len(digests()) == 1
