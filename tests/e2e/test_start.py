"""/start and subscribing, as a member would do it, in polling and in webhook mode."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningBot, eventually, labels, started, text_of
from turnout.sandbox.fakebot import FakeUser

both_modes = pytest.mark.parametrize("mode", ["polling", "webhook"])


@both_modes
async def test_a_new_member_is_greeted_and_registered(bot: RunningBot, ana: FakeUser) -> None:
    greeting = await started(ana)
    lines = text_of(greeting).splitlines()
    assert lines[0].startswith("Hello, Ana!")
    assert "Telegram id" in lines[2]
    assert "phone number" in lines[3]
    assert labels(greeting) == ["Subscribe to new calls"]
    assert bot.rows("SELECT first_name, language, subscribed, reachable FROM members") == [
        ("Ana", "en", 0, 1)
    ]


@both_modes
async def test_a_returning_member_is_welcomed_back(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    again = await started(ana)
    assert text_of(again).startswith("Welcome back, Ana!")
    assert bot.rows("SELECT COUNT(*) FROM members") == [(1,)]


async def test_subscribing_from_the_greeting(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    await ana.press("Subscribe to new calls")
    answer = await ana.callback_answer()
    assert "Subscribed" in answer["text"]
    edited = await ana.edit()
    assert labels(edited) == ["Unsubscribe"]
    assert bot.rows("SELECT subscribed FROM members") == [(1,)]

    again = await started(ana)
    assert "You are subscribed" in text_of(again)
    await ana.press("Unsubscribe")
    await ana.callback_answer()
    assert bot.rows("SELECT subscribed FROM members") == [(0,)]


async def test_subscribe_and_unsubscribe_commands(bot: RunningBot, ana: FakeUser) -> None:
    await ana.send("/subscribe")  # not before /start: nobody is signed up by another command
    assert "Send /start to begin." in text_of(await ana.reply())
    assert bot.rows("SELECT subscribed FROM members") == []
    await started(ana)
    await ana.send("/subscribe")
    assert "Subscribed" in text_of(await ana.reply())
    assert bot.rows("SELECT subscribed FROM members") == [(1,)]
    await ana.send("/unsubscribe")
    assert "Unsubscribed" in text_of(await ana.reply())
    assert bot.rows("SELECT subscribed FROM members") == [(0,)]


async def test_a_language_without_a_catalog_falls_back_to_the_default(
    bot: RunningBot, ben: FakeUser
) -> None:
    greeting = await started(ben)
    assert text_of(greeting).startswith("Hello, Ben!")
    assert bot.rows("SELECT language FROM members") == [("en",)]


async def test_names_are_shown_as_text_not_markup(bot: RunningBot, telegram: object) -> None:
    from turnout.sandbox.fakebot import FakeTelegram

    assert isinstance(telegram, FakeTelegram)
    mallory = telegram.add_user("<b>Mal</b>")
    greeting = await started(mallory)
    assert text_of(greeting).startswith("Hello, &lt;b&gt;Mal&lt;/b&gt;!")


async def test_blocking_the_bot_makes_a_member_unreachable(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    await ana.block_bot()
    await eventually(
        lambda: bot.rows("SELECT reachable FROM members") == [(0,)],
        "the member was not marked unreachable",
    )
    await ana.unblock_bot()
    await eventually(
        lambda: bot.rows("SELECT reachable FROM members") == [(1,)],
        "the member was not marked reachable again",
    )


async def test_an_unknown_command_points_to_help(bot: RunningBot, ana: FakeUser) -> None:
    await ana.send("/frobnicate")
    assert "/help" in text_of(await ana.reply())


async def test_cancel_outside_a_conversation(bot: RunningBot, ana: FakeUser) -> None:
    await ana.send("/cancel")
    assert text_of(await ana.reply()) == "There is nothing to cancel right now."


async def test_pressing_subscribe_twice_is_no_error(
    bot: RunningBot, ana: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    """A double tap edits a message into what it already is: Telegram refuses, the bot shrugs."""
    greeting = await started(ana)
    await ana.press("Subscribe to new calls", message=greeting)
    await ana.callback_answer()
    await ana.press_data("sub:on", greeting)
    assert "subscribed" in (await ana.callback_answer())["text"].lower()
    await ana.no_reply(within=0.5)
    assert bot.rows("SELECT subscribed FROM members WHERE user_id = :u", u=ana.id) == [(1,)]
    failures = [r for r in caplog.records if r.name == "turnout.handlers.errors"]
    assert failures == []
