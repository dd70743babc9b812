"""A call scheduled while the two-person rule did not cover it, which the rule covers by the
time it is due (switched on since, or more subscribers than its number): it does not go out on
one person's word; its author and the owners are told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.e2e.conftest import Clock, running, text_of
from tests.e2e.test_approval import told, two_broadcasters
from tests.e2e.test_calls import posts_in, schedule_text
from turnout.config import Settings
from turnout.handlers.common.floodgate import FloodGate
from turnout.sandbox.fakebot import FakeTelegram, FakeUser


async def test_a_call_scheduled_before_the_rule_was_on_does_not_go_out_unapproved(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    ana: FakeUser,
    ben: FakeUser,
) -> None:
    async with running(make_settings(broadcast_approval="off"), clock, telegram) as bot:
        bot.application.bot_data.flood = FloodGate(limit=200)
        river = await two_broadcasters(bot, telegram, owner, ana, ben)
        confirmation = text_of(await schedule_text(ana, "Rally at noon", "Clean River News"))
        assert "Scheduled for" in confirmation and "approval" not in confirmation
    # The organisation turns the rule on before the call's time.
    async with running(make_settings(broadcast_approval="channels"), clock, telegram) as bot:
        await bot.skip(timedelta(minutes=3))
        held = text_of(await told(ana, "was not published"))
        assert "a second person must now approve it" in held
        assert "a second person must now approve it" in text_of(
            await told(owner, "was not published")
        )
        await bot.outbox_idle()
        assert posts_in(telegram, river.id) == []
        assert bot.rows("SELECT status FROM calls") == [("draft",)]
