"""The check-in's "Share my location" keyboard goes with its question, however the question
ends. It is a reply keyboard: it stays under the text field until a message takes it away, and
a location shared from it later would land in "Near me" or in an open report (which may be
published), never in the check-in it was meant for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.e2e.conftest import Clock, RunningBot, labels, running, shown, started, text_of
from tests.e2e.test_checkin import HERE, NEAR, answer, card_of, checkins, rally
from tests.e2e.test_local_actions import propose
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer

REMOVED = {"remove_keyboard": True}


def keyboard_shown(person: FakeUser) -> bool:
    """Whether a reply keyboard of the bot is under the person's text field now: Telegram keeps
    one until a later message takes it away (or shows another)."""
    shown_now = False
    for message in person.inbox:
        markup = message.get("reply_markup") or {}
        if "keyboard" in markup:
            shown_now = True
        elif markup.get("remove_keyboard"):
            shown_now = False
    return shown_now


async def asked(
    bot: RunningBot, person: FakeUser, *, first: str | None = None
) -> tuple[Action, dict[str, Any]]:
    """``person``, going to an action under way, presses "I'm here" on its card and is asked
    for their location, with the keyboard that shares it; returns the action and the bot's
    answer to ``first``, a command sent before."""
    action = await rally(bot, starts_in=timedelta(minutes=10))
    await answer(bot, action, person, says=Answer.GOING)
    bot.clock.advance(timedelta(minutes=20))  # under way for ten minutes
    before: dict[str, Any] = {}
    if first is not None:
        await person.send(first)
        before = await person.reply()
    card = await card_of(person, action)
    await person.press(HERE, message=card)
    await person.callback_answer()
    question, _ = await person.replies(2)
    [[share]] = question["reply_markup"]["keyboard"]
    assert share["request_location"]
    assert keyboard_shown(person)
    return action, before


async def test_cancel_takes_the_keyboard_away(bot: RunningBot, ana: FakeUser) -> None:
    await asked(bot, ana)
    await ana.send("/cancel")
    said = await ana.reply()
    assert "You are checked in, without a location." in shown(said)
    assert said.get("reply_markup") == REMOVED
    assert not keyboard_shown(ana)
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]


async def test_another_command_takes_the_keyboard_away(bot: RunningBot, ana: FakeUser) -> None:
    await asked(bot, ana)
    await ana.send("/actions")
    closed, listed = await ana.replies(2)
    assert "Closed without saving anything: confirming your check-in" in shown(closed)
    assert closed.get("reply_markup") == REMOVED
    assert "happening now" in shown(listed)
    assert not keyboard_shown(ana)


async def test_another_flow_takes_the_keyboard_away(bot: RunningBot, ana: FakeUser) -> None:
    await asked(bot, ana)
    await ana.send("/propose")
    closed, question = await ana.replies(2)
    assert "Closed without saving anything: confirming your check-in" in shown(closed)
    assert closed.get("reply_markup") == REMOVED
    assert "What is it called" in text_of(question)
    assert not keyboard_shown(ana)


async def test_a_button_of_something_else_takes_the_keyboard_away(
    bot: RunningBot, ana: FakeUser
) -> None:
    _, listed = await asked(bot, ana, first="/actions")
    await ana.press("🔴 Clean River Rally", message=listed)
    await ana.callback_answer()
    closed, card = await ana.replies(2)
    assert "Clean River Rally" in shown(card)
    assert "Closed without saving anything: confirming your check-in" in shown(closed)
    assert closed.get("reply_markup") == REMOVED
    assert not keyboard_shown(ana)


async def test_a_lapse_found_by_the_planner_takes_the_keyboard_away(
    bot: RunningBot, ana: FakeUser
) -> None:
    await asked(bot, ana)
    await bot.skip(timedelta(minutes=11))  # past TURNOUT_PROMPT_TIMEOUT, ten minutes
    lapsed = await ana.reply(timeout=10)
    assert "No answer for 10 minutes" in text_of(lapsed)
    assert lapsed.get("reply_markup") == REMOVED  # sent through the outbox
    assert not keyboard_shown(ana)
    assert ana.inbox[-1].get("reply_markup") == REMOVED


async def test_a_lapse_found_when_the_person_writes_takes_the_keyboard_away(
    bot: RunningBot, ana: FakeUser
) -> None:
    await asked(bot, ana)
    bot.clock.advance(timedelta(minutes=11))  # the planner is not woken
    await ana.send_location(*NEAR)
    lapsed, then = await ana.replies(2)
    assert "No answer for 10 minutes" in text_of(lapsed)
    assert lapsed.get("reply_markup") == REMOVED
    assert "Confirmed" not in shown(then)  # too late for the check-in: not taken as one
    assert not keyboard_shown(ana)
    assert checkins(bot) == [(ana.id, 0)]


async def test_a_flow_started_from_a_group_takes_the_keyboard_away(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock, owner: FakeUser
) -> None:
    """An organiser at the action, asked for her location, rejects a proposal in the review
    group: the question that replaces the check-in's is asked in her private chat."""
    group = telegram.add_group("Reviewers")
    ana = telegram.add_user("Ana")
    async with running(make_settings(review_chat_id=group.id), clock, telegram) as bot:
        await started(owner)
        await started(ana)
        await propose(ana)
        await telegram.wait_until(lambda: bool(telegram.bot_messages(group)))
        notice = telegram.bot_messages(group)[-1]
        await asked(bot, owner)

        await owner.press("❌ Reject", message=notice)
        await owner.callback_answer()
        closed, question = await owner.replies(2)
        assert "Closed without saving anything: confirming your check-in" in shown(closed)
        assert closed.get("reply_markup") == REMOVED
        assert "Why is proposal #1 rejected" in text_of(question)
        assert labels(question)
        assert not keyboard_shown(owner)
