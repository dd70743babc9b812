"""The outbox at the paid rate, against the fake Bot API over real HTTP: copies the sender agreed
to pay for go above the free rate with ``allow_paid_broadcast``, the free lane stays full, and
when the bot's Stars run out the rest goes on at the free rate and the senders are told."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest

from tests.e2e.conftest import RunningBot, eventually
from turnout.delivery import Payload
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import DeliveryCounts
from turnout.storage.purposes import CallCopy, Purpose, Reminder

FREE_RATE = 25
PAID_RATE = 400


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"rate_limit": FREE_RATE, "paid_broadcast_rate": PAID_RATE}


def people(telegram: FakeTelegram, count: int) -> list[FakeUser]:
    return [telegram.add_user(f"Member {n}") for n in range(count)]


async def finished(bot: RunningBot, purpose: Purpose, timeout: float = 60.0) -> DeliveryCounts:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not (counts := await bot.services.outbox.progress(purpose)).done:
        if time.monotonic() > deadline:
            raise AssertionError(f"{purpose} not delivered in {timeout}s: {counts}")
        await asyncio.sleep(0.05)
    return counts


def sends(telegram: FakeTelegram, text: str) -> list[Any]:
    return [
        call
        for call in telegram.calls_to("sendMessage")
        if call.ok and call.params.get("text") == text
    ]


def paid(call: Any) -> bool:
    return call.params.get("allow_paid_broadcast") is True


async def test_a_paid_broadcast_goes_past_the_free_rate(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 400)
    telegram.set_star_balance(1000)
    telegram.rate_limit(30)  # Telegram's free limit: only unpaid sends count against it
    text = "The route is closed: meet at the square instead."
    await bot.services.outbox.enqueue(
        CallCopy(1, "text"), [(p.id, Payload(text)) for p in recipients], paid=True
    )
    counts = await finished(bot, CallCopy(1, "text"))
    calls = sends(telegram, text)
    assert Counter(int(c.params["chat_id"]) for c in calls) == Counter(p.id for p in recipients)
    paid_copies = sum(1 for call in calls if paid(call))
    assert counts.sent == 400
    assert counts.paid == paid_copies
    # The free lane carried its share; the rest was paid for, and cost the bot its Stars.
    assert 0 < 400 - paid_copies < 100
    assert telegram.star_balance == pytest.approx(1000 - paid_copies * 0.1)
    assert not [c for c in telegram.calls_to("sendMessage") if c.status == 429]


async def test_messages_nobody_paid_for_never_go_paid(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 60)
    telegram.set_star_balance(1000)
    text = "Reminder: the rally is tomorrow."
    await bot.services.outbox.enqueue(
        Reminder(1, 1, 1440), [(p.id, Payload(text)) for p in recipients]
    )
    counts = await finished(bot, Reminder(1, 1, 1440))
    assert counts.sent == 60
    assert counts.paid == 0
    assert not any(paid(call) for call in sends(telegram, text))
    assert telegram.star_balance == 1000


async def test_when_the_stars_run_out_the_rest_goes_free_and_the_sender_is_told(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 200)
    telegram.set_star_balance(5)  # pays for 50 copies
    told: list[list[str]] = []

    async def ran_out(purposes: list[str]) -> None:
        told.append(purposes)

    bot.services.outbox.on_stars_exhausted = ran_out
    text = "Police at the bridge: go round by the park."
    await bot.services.outbox.enqueue(
        CallCopy(2, "text"), [(p.id, Payload(text)) for p in recipients], paid=True
    )
    counts = await finished(bot, CallCopy(2, "text"))
    calls = sends(telegram, text)
    assert Counter(int(c.params["chat_id"]) for c in calls) == Counter(p.id for p in recipients)
    assert sum(1 for call in calls if paid(call)) == counts.paid == 50
    assert telegram.star_balance == 0
    await eventually(lambda: told == [["call:2:text"]], "the senders told once")


async def test_a_balance_spent_elsewhere_is_found_out_at_the_refusal(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """The outbox counted on 100 Stars; something else spent them meanwhile. Telegram refuses
    the paid copies; the outbox reads the balance again and sends them free, losing none."""
    recipients = people(telegram, 120)
    telegram.set_star_balance(100)
    outbox = bot.services.outbox
    text = "Everyone to the town hall now."
    await outbox.enqueue(CallCopy(3, "text"), [(recipients[0].id, Payload(text))], paid=True)
    await finished(bot, CallCopy(3, "text"))  # the balance is read and known
    telegram.set_star_balance(0)
    await outbox.enqueue(
        CallCopy(3, "text"), [(p.id, Payload(text)) for p in recipients[1:]], paid=True
    )
    counts = await finished(bot, CallCopy(3, "text"))
    assert counts.sent == 120
    assert counts.failed == 0
    delivered = Counter(int(c.params["chat_id"]) for c in sends(telegram, text))
    assert delivered == Counter(p.id for p in recipients)
