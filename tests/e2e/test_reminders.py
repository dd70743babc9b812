"""Reminders arrive on time, once, to the right people, and survive a restart.

Reminders are planned minutes before an action; here they are planned seconds from now (the
store takes any plan), so that the tests wait seconds, not minutes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta

from tests.e2e.conftest import Clock, RunningBot, eventually, running, shown
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer, NewAction
from turnout.views.timefmt import local_time


def reminders_to(user: FakeUser) -> list[str]:
    return [shown(m) for m in user.inbox if shown(m).startswith("⏰ Reminder")]


async def plan(
    bot: RunningBot, starts_in: timedelta, reminders: Sequence[tuple[int, timedelta]]
) -> Action:
    """An action starting ``starts_in`` from now, with reminders ((label minutes, due in))."""
    data = bot.services
    now = data.clock()
    minutes = tuple(label for label, _ in reminders)
    new = NewAction("Clean River Rally", "", now + starts_in, "UTC", "The old bridge", 44.8,
                    20.46, None, minutes)  # fmt: skip
    action = await data.store.create_action(
        new, 1, [(label, now + due) for label, due in reminders], now
    )
    await bot.wake_planner()
    return action


async def answer(bot: RunningBot, person: FakeUser, action: Action, choice: Answer) -> None:
    data = bot.services
    await data.store.register_member(
        person.id, person.first_name, "en", "Europe/Belgrade", data.clock()
    )
    await data.store.answer_rsvp(action.id, person.id, choice, data.clock())


async def test_each_member_gets_each_reminder_once(bot: RunningBot, telegram: FakeTelegram) -> None:
    # Due two and three seconds from now: time enough to answer first, even on a busy machine.
    action = await plan(
        bot, timedelta(hours=3), [(120, timedelta(seconds=2)), (60, timedelta(seconds=3))]
    )
    ana, ben, cleo, dan = (telegram.add_user(name) for name in ("Ana", "Ben", "Cleo", "Dan"))
    data = bot.services
    await answer(bot, cleo, action, Answer.GOING)
    await data.store.set_reminder_minutes(cleo.id, (), data.clock())  # opted out
    await answer(bot, ana, action, Answer.GOING)
    await answer(bot, ben, action, Answer.MAYBE)
    await answer(bot, dan, action, Answer.NOT_GOING)

    await eventually(lambda: len(reminders_to(ana)) == 2 and len(reminders_to(ben)) == 2,
                     "both reminders", timeout=10)  # fmt: skip
    await asyncio.sleep(1.0)  # anything sent twice would arrive by now
    assert len(reminders_to(ana)) == 2
    assert len(reminders_to(ben)) == 2
    assert reminders_to(cleo) == []
    assert reminders_to(dan) == []
    first = reminders_to(ana)[0]
    assert "starts in 2 hours" in first
    # In the member's own timezone (Belgrade is UTC+1 or +2) and with the map.
    assert "CET" in first or "CEST" in first
    assert "openstreetmap.org" in ana.inbox[0]["text"]
    statuses = bot.rows("SELECT status FROM reminders WHERE action_id = :id", id=action.id)
    assert statuses == [("enqueued",), ("enqueued",)]


async def test_a_cancelled_action_sends_no_reminder(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    # Due in three seconds: cancelled well before, even on a busy machine.
    action = await plan(bot, timedelta(hours=3), [(120, timedelta(seconds=3))])
    ana = telegram.add_user("Ana")
    await answer(bot, ana, action, Answer.GOING)
    data = bot.services
    await data.store.cancel_action(action.id, 1, data.clock())
    await asyncio.sleep(3.5)
    assert reminders_to(ana) == []
    assert bot.rows("SELECT status FROM reminders") == [("skipped",)]


async def test_a_postponed_action_is_reminded_at_its_new_time(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await plan(bot, timedelta(hours=3), [(120, timedelta(seconds=3))])
    ana = telegram.add_user("Ana")
    await answer(bot, ana, action, Answer.GOING)
    data = bot.services
    now = data.clock()
    new_start = now + timedelta(hours=5)
    moved = await data.store.reschedule_action(
        action.id, lambda _: [(120, now + timedelta(seconds=2))], 1, now, starts_at=new_start
    )
    assert moved is not None
    await bot.wake_planner()
    await eventually(lambda: len(reminders_to(ana)) == 1, "the new reminder", timeout=10)
    await asyncio.sleep(1.0)
    [reminder] = reminders_to(ana)
    assert local_time(new_start, "Europe/Belgrade", "en") in reminder
    purposes = bot.rows("SELECT DISTINCT purpose FROM deliveries WHERE status = 'sent'")
    assert purposes == [(f"reminder:{action.id}:r2:120m",)]
    assert bot.rows("SELECT revision, status FROM reminders ORDER BY revision") == [
        (1, "skipped"),
        (2, "enqueued"),
    ]


async def test_a_reminder_due_while_down_arrives_once_after_restart(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    ana = telegram.add_user("Ana")
    async with running(settings, clock, telegram) as bot:
        action = await plan(bot, timedelta(hours=3), [(120, timedelta(seconds=2))])
        await answer(bot, ana, action, Answer.GOING)
    await asyncio.sleep(2.5)  # due while nothing runs
    assert reminders_to(ana) == []
    async with running(settings, clock, telegram) as bot:
        await eventually(lambda: len(reminders_to(ana)) == 1, "the late reminder", timeout=10)
        await asyncio.sleep(0.5)
    assert len(reminders_to(ana)) == 1


async def test_a_reminder_is_skipped_when_the_action_started_while_down(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    ana = telegram.add_user("Ana")
    async with running(settings, clock, telegram) as bot:
        action = await plan(bot, timedelta(seconds=4), [(1, timedelta(seconds=3))])
        await answer(bot, ana, action, Answer.GOING)
    await asyncio.sleep(4.5)  # the action started while nothing ran
    async with running(settings, clock, telegram) as bot:
        await eventually(
            lambda: bot.rows("SELECT status FROM reminders") == [("skipped",)],
            "the reminder skipped",
        )
        await asyncio.sleep(0.5)
    assert reminders_to(ana) == []
