"""Reports as members send them: text, photos, albums and places, kept in order, submitted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Clock, RunningBot, labels, running, shown, started, text_of
from tests.fakebot import FakeTelegram, FakeUser
from turnout.config import Settings
from turnout.storage import Action, NewAction


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 2, "review_chat_id": -1009999}


async def an_action(bot: RunningBot, title: str = "Clean River Rally") -> Action:
    data = bot.application.bot_data
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
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser
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
    import asyncio

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
        "sendMessage", where=lambda call: call.params.get("chat_id") == -1009999
    )
    assert "New report #1" in notice.params["text"]
    assert "From Member " in notice.params["text"]
    assert "Ana" not in notice.params["text"] and str(ana.id) not in notice.params["text"]


async def test_limits_and_refusals(bot: RunningBot, telegram: FakeTelegram, ana: FakeUser) -> None:
    await an_action(bot)
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


async def test_my_reports_and_withdrawing(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser
) -> None:
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
    assert "#1 · other · waiting for review" in shown(mine)
    mallory = telegram.add_user("Mallory")
    await started(mallory)
    await mallory.press_data("rpt:withdraw:1", mallory.inbox[0])
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
