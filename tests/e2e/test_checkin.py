""" "I'm here" on the day of an action, as people use it: from the last reminder or the card,
an hour before the start and not earlier, confirmed by a location shared near the place, and
counted on the organisers' card, which is edited in place as people arrive."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import (
    OWNER_ID,
    Clock,
    RunningBot,
    button_data,
    eventually,
    labels,
    running,
    shown,
    started,
    text_of,
)
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer, NewAction, Role
from turnout.views.buttons import CheckIn

#: The old bridge, Belgrade.
POINT = (44.8167, 20.4500)
#: About 300 m north of it, and about 5 km north.
NEAR = (POINT[0] + 0.0027, POINT[1])
FAR = (POINT[0] + 0.045, POINT[1])
HERE = "📍 I'm here"


async def rally(
    bot: RunningBot,
    *,
    starts_in: timedelta,
    lasts: timedelta = timedelta(hours=2),
    point: tuple[float, float] | None = POINT,
    reminders: Sequence[tuple[int, timedelta]] = (),
) -> Action:
    """An action ``starts_in`` from now, with reminders (label minutes, due in)."""
    data = bot.services
    now = data.clock()
    latitude, longitude = point if point is not None else (None, None)
    new = NewAction(
        "Clean River Rally", "", now + starts_in, "UTC", "The old bridge", latitude, longitude,
        None, tuple(label for label, _ in reminders), ends_at=now + starts_in + lasts,
    )  # fmt: skip
    action = await data.store.create_action(
        new, OWNER_ID, [(label, now + due) for label, due in reminders], now
    )
    await bot.wake_planner()
    return action


async def answer(bot: RunningBot, action: Action, *people: FakeUser, says: Answer) -> None:
    data = bot.services
    for person in people:
        await data.store.register_member(person.id, person.first_name, "en", "UTC", data.clock())
        await data.store.answer_rsvp(action.id, person.id, says, data.clock())


async def card_of(person: FakeUser, action: Action) -> dict[str, Any]:
    """The card, opened by a link into the bot (by someone known: no greeting first)."""
    await person.send(f"/start act_{action.id}")
    return await person.reply()


def checkins(bot: RunningBot) -> list[tuple[int, int]]:
    return bot.rows("SELECT user_id, confirmed FROM checkins ORDER BY user_id")


def press_here(action: Action) -> str:
    """The data of "I'm here", as a forged press would send it."""
    return str(CheckIn(action.id).button("x").callback_data)


def written(bot: RunningBot) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the members' (a press refreshes its presser's name and language)."""
    return {name: rows for name, rows in bot.snapshot().items() if name != "members"}


def current(person: FakeUser, message: dict[str, Any]) -> dict[str, Any]:
    """A message of the bot as it reads now (edits applied)."""
    return next(m for m in person.inbox if m["message_id"] == message["message_id"])


async def test_the_last_reminder_opens_check_in_an_hour_before_and_a_location_confirms_it(
    bot: RunningBot, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="turnout")
    action = await rally(
        bot,
        starts_in=timedelta(minutes=90),
        reminders=[(120, timedelta(seconds=2))],
    )
    ana, ben = telegram.add_user("Ana"), telegram.add_user("Ben")
    await answer(bot, action, ana, says=Answer.GOING)
    await answer(bot, action, ben, says=Answer.MAYBE)

    reminder = await ana.reply(timeout=10)
    assert "Reminder" in shown(reminder)
    assert labels(reminder) == [HERE]  # the last reminder, for those going
    assert labels(await ben.reply(timeout=10)) == []  # maybe: no "I'm here"

    # Ninety minutes before the start: not yet.
    await ana.press(HERE, message=reminder)
    early = await ana.callback_answer()
    assert early["show_alert"]
    assert "Check-in opens an hour before the start" in early["text"]
    assert checkins(bot) == []

    bot.clock.advance(timedelta(minutes=31))
    await ana.press(HERE, message=reminder)
    assert (await ana.callback_answer())["text"] == "📍 You are checked in."
    question, skip = await ana.replies(2)
    assert "Share your location" in text_of(question)
    [[share]] = question["reply_markup"]["keyboard"]
    assert share == {"text": "📍 Share my location", "request_location": True}
    assert labels(skip) == ["Skip"]
    assert labels(current(ana, reminder)) == [f"✓ {HERE}"]  # the reminder shows it, kept
    assert "Reminder" in shown(current(ana, reminder))
    assert checkins(bot) == [(ana.id, 0)]

    await ana.send_location(*NEAR)
    confirmed = await ana.reply()
    assert "✅ Confirmed: you are at Clean River Rally" in shown(confirmed)
    assert confirmed["reply_markup"] == {"remove_keyboard": True}
    assert checkins(bot) == [(ana.id, 1)]
    # The location is nowhere: not in a table, nor left in the inbox once handled.
    await eventually(
        lambda: bot.rows("SELECT COUNT(*) FROM inbox WHERE body IS NOT NULL") == [(0,)],
        "the inbox erased",
    )
    assert str(NEAR[0]) not in repr(bot.snapshot())
    assert "reminder 120m of action" in caplog.text  # the log is read…
    assert str(NEAR[0]) not in caplog.text  # …and holds no location, even at DEBUG


async def test_a_location_far_away_checks_in_without_confirming(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30))
    ana = telegram.add_user("Ana")
    await answer(bot, action, ana, says=Answer.GOING)
    card = await card_of(ana, action)
    assert HERE in labels(card)

    await ana.press(HERE, message=card)
    await ana.callback_answer()
    await ana.replies(2)
    assert "📍 You checked in." in shown(current(ana, card))  # the card, shown anew
    assert f"✓ {HERE}" in labels(current(ana, card))

    # A live location would go on telling where she is after the question: not taken.
    await ana.send_location(*NEAR, live_period=900)
    assert "not a live location" in shown(await ana.reply())
    assert checkins(bot) == [(ana.id, 0)]
    await ana.send_location(*FAR)
    far = await ana.reply()
    assert "5 km away: you are checked in, not confirmed." in shown(far)
    assert far["reply_markup"] == {"remove_keyboard": True}
    assert checkins(bot) == [(ana.id, 0)]

    # A second press: nothing new is written, and the location may be tried again.
    await ana.press(f"✓ {HERE}", message=card)
    assert (await ana.callback_answer())["text"] == "📍 You are already checked in."
    await ana.replies(2)
    await ana.press("Skip")
    skipped = await ana.reply()
    assert "You are checked in, without a location." in shown(skipped)
    assert skipped["reply_markup"] == {"remove_keyboard": True}
    assert checkins(bot) == [(ana.id, 0)]


async def test_a_member_not_going_cannot_check_in(bot: RunningBot, telegram: FakeTelegram) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30))
    ana = telegram.add_user("Ana")
    await answer(bot, action, ana, says=Answer.MAYBE)
    card = await card_of(ana, action)
    assert HERE not in labels(card)
    before = written(bot)

    await ana.press_data(press_here(action), card)
    refused = await ana.callback_answer()
    assert refused["text"] == "Only members going to this action can check in."
    assert written(bot) == before


async def test_without_a_point_on_the_map_no_location_is_asked(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30), point=None)
    ana = telegram.add_user("Ana")
    await answer(bot, action, ana, says=Answer.GOING)
    card = await card_of(ana, action)
    await ana.press(HERE, message=card)
    assert (await ana.callback_answer())["text"] == "📍 You are checked in."
    await ana.no_reply()
    assert checkins(bot) == [(ana.id, 0)]
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]


async def test_the_organisers_card_counts_arrivals_and_is_edited_in_place(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30), point=None)
    people = [telegram.add_user(name) for name in ("Ana", "Ben", "Cleo", "Dan")]
    await answer(bot, action, *people, says=Answer.GOING)
    await started(owner)
    card = await card_of(owner, action)
    assert "4 going · 0 here" in shown(card)

    for person in people[:3]:  # three at once
        await person.press_data(press_here(action), card)
        await person.callback_answer()

    await eventually(
        lambda: "4 going · 3 here" in shown(current(owner, card)), "the card edited", timeout=10
    )
    now_shown = labels(current(owner, card))
    assert labels(card) == now_shown  # its buttons kept
    assert "🛟 Safety check now" not in now_shown  # not before the start
    assert len(owner.inbox) == 2  # the greeting and the card: edited, never sent again
    # At most one refresh every five seconds: the first at once, the next for the others.
    stamps = [
        datetime.strptime(key.rsplit(":", 1)[1], "%Y%m%d%H%M%S%f")
        for (key,) in bot.rows("SELECT purpose FROM deliveries WHERE purpose LIKE 'live-card:%'")
    ]
    assert 1 <= len(stamps) <= 2
    assert all(b - a >= timedelta(seconds=4.9) for a, b in itertools.pairwise(sorted(stamps)))


async def test_a_card_is_no_longer_kept_up_to_date_once_its_reader_lost_the_role(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30), point=None)
    ana, organiser = telegram.add_user("Ana"), telegram.add_user("Omar")
    await answer(bot, action, ana, organiser, says=Answer.GOING)
    data = bot.services
    await data.store.grant_role(organiser.id, Role.ORGANISER, OWNER_ID, data.clock())
    card = await card_of(organiser, action)
    assert "2 going · 0 here" in shown(card)
    await data.store.revoke_role(organiser.id, Role.ORGANISER, OWNER_ID, data.clock())

    await ana.press_data(press_here(action), card)
    await ana.callback_answer()
    await eventually(lambda: bot.rows("SELECT COUNT(*) FROM live_cards") == [(0,)], "forgotten")
    assert shown(current(organiser, card)) == shown(card)
    assert bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'live-card:%'") == [(0,)]


async def test_an_old_button_after_the_end_says_why_and_changes_nothing(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30), lasts=timedelta(hours=1))
    ana = telegram.add_user("Ana")
    await answer(bot, action, ana, says=Answer.GOING)
    card = await card_of(ana, action)
    bot.clock.advance(timedelta(minutes=91))  # the action ended
    before = written(bot)

    await ana.press(HERE, message=card)
    over = await ana.callback_answer()
    assert over == over | {"text": "This action is over: check-in is closed.", "show_alert": True}
    await ana.no_reply()
    assert written(bot) == before


async def test_actions_under_way_come_first_in_the_list(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    later = await rally(bot, starts_in=timedelta(days=1))
    now_on = await rally(bot, starts_in=timedelta(minutes=10))
    ana = telegram.add_user("Ana")
    await answer(bot, now_on, ana, says=Answer.GOING)
    bot.clock.advance(timedelta(minutes=30))  # under way since twenty minutes
    await ana.send("/actions")
    listed = await ana.reply()
    lines = [line for line in shown(listed).splitlines() if line.startswith("•")]
    assert "happening now" in lines[0]
    assert "happening now" not in lines[1]
    assert labels(listed)[:2] == ["🔴 Clean River Rally", "Clean River Rally"]
    assert later.id != now_on.id

    await ana.press("🔴 Clean River Rally")
    card = await ana.reply()
    assert HERE in labels(card)  # within reach, on the day


async def test_a_question_left_for_something_else_takes_no_location_later(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30))
    ana = telegram.add_user("Ana")
    await answer(bot, action, ana, says=Answer.GOING)
    card = await card_of(ana, action)
    await ana.press(HERE, message=card)
    await ana.callback_answer()
    _, skip = await ana.replies(2)

    await ana.send("I'm by the fountain")
    assert "I am waiting for your location" in shown(await ana.reply())
    await ana.send("/actions")
    closed, _ = await ana.replies(2)
    assert "Closed without saving anything: confirming your check-in" in shown(closed)

    await ana.send_location(*NEAR)  # now "Near me", not the check-in
    assert "Confirmed" not in shown(await ana.reply())
    assert checkins(bot) == [(ana.id, 0)]
    await ana.press_data(button_data(skip, "Skip"), skip)  # the old question's button
    assert "This question is closed" in (await ana.callback_answer())["text"]


async def test_the_question_outlives_a_restart(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    ana = telegram.add_user("Ana")
    async with running(settings, clock, telegram) as bot:
        action = await rally(bot, starts_in=timedelta(minutes=30))
        await answer(bot, action, ana, says=Answer.GOING)
        card = await card_of(ana, action)
        await ana.press(HERE, message=card)
        await ana.callback_answer()
        await ana.replies(2)
    async with running(settings, clock, telegram) as bot:
        await ana.send_location(*NEAR)
        assert "✅ Confirmed" in shown(await ana.reply())
        assert checkins(bot) == [(ana.id, 1)]


async def test_nobody_checks_in_at_a_cancelled_action(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await rally(bot, starts_in=timedelta(minutes=30))
    ana = telegram.add_user("Ana")
    await answer(bot, action, ana, says=Answer.GOING)
    card = await card_of(ana, action)
    data = bot.services
    await data.store.cancel_action(action.id, OWNER_ID, data.clock())

    await ana.press(HERE, message=card)
    refused = await ana.callback_answer()
    assert refused["text"] == "This action was cancelled: there is nothing to check in to."
    assert checkins(bot) == []
