"""The outbox under load and under faults, against the fake Bot API server over real HTTP."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest

from tests.e2e.conftest import RunningBot, eventually
from turnout.delivery import Outbox, Payload
from turnout.delivery.progress import follow_progress
from turnout.i18n import Catalogs
from turnout.sandbox.fakebot import ApiCall, FakeTelegram, FakeUser
from turnout.storage import DeliveryCounts
from turnout.storage.purposes import CallCopy, Purpose, Reminder
from turnout.views.delivery import progress

RATE = 200


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"rate_limit": RATE}


def people(telegram: FakeTelegram, count: int) -> list[FakeUser]:
    return [telegram.add_user(f"Member {n}") for n in range(count)]


def outbox_of(bot: RunningBot) -> Outbox:
    return bot.services.outbox


async def finished(bot: RunningBot, purpose: Purpose, timeout: float = 60.0) -> DeliveryCounts:  # noqa: ASYNC109
    outbox = outbox_of(bot)
    deadline = time.monotonic() + timeout
    while not (counts := await outbox.progress(purpose)).done:
        if time.monotonic() > deadline:
            raise AssertionError(f"{purpose} not delivered in {timeout}s: {counts}")
        await asyncio.sleep(0.05)
    return counts


def delivered(telegram: FakeTelegram, text: str) -> Counter[int]:
    """How many times each chat was sent ``text`` successfully."""
    return Counter(
        int(call.params["chat_id"])
        for call in telegram.calls_to("sendMessage")
        if call.ok and call.params.get("text") == text
    )


async def test_a_thousand_recipients_under_the_servers_limit(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 1000)
    telegram.rate_limit(RATE)
    text = "The Clean River Rally starts at the old bridge."
    added = await outbox_of(bot).enqueue(
        CallCopy(1, "text"), [(p.id, Payload(text)) for p in recipients]
    )
    assert added == 1000
    counts = await finished(bot, CallCopy(1, "text"))
    assert counts.sent == 1000
    assert counts.failed == 0
    assert delivered(telegram, text) == Counter({p.id: 1 for p in recipients})
    assert [c for c in telegram.calls if c.status == 429] == []


async def test_faults_are_survived_and_pauses_honoured(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 200)
    outbox_of(bot).send_timeout = 0.5
    telegram.chaos(
        "sendMessage",
        retry_after_rate=0.05,
        retry_after=2,
        error_rate=0.05,
        drop_rate=0.02,
        drop_seconds=1.0,
        seed=7,
    )
    text = "Tenants' Picket: bring a friend."
    await outbox_of(bot).enqueue(CallCopy(2, "text"), [(p.id, Payload(text)) for p in recipients])
    counts = await finished(bot, CallCopy(2, "text"), timeout=120)
    assert counts.sent == 200
    assert set(delivered(telegram, text)) == {p.id for p in recipients}

    sends = telegram.calls_to("sendMessage")
    answered = {status for call in sends if (status := call.status) is not None}
    assert {429, 500, 504} <= answered, "the chaos did not happen"
    for throttled in (call for call in sends if call.status == 429):
        assert_quiet(sends, after=throttled, seconds=2)


def assert_quiet(calls: list[ApiCall], *, after: ApiCall, seconds: float) -> None:
    """No request reached the server during the pause ``after`` asked for. Requests already on
    their way when the 429 went out are allowed a short grace."""
    grace = 0.25
    start, end = after.timestamp + grace, after.timestamp + seconds - 0.05
    early = [call.summary() for call in calls if start < call.timestamp < end]
    assert not early, f"sent during the pause after {after.summary()}: {early}"


async def test_blocked_recipients_are_marked_and_the_rest_served(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 300)
    store, now = bot.services.store, bot.services.clock()
    for person in recipients:
        await store.register_member(person.id, person.first_name, "en", "UTC", now)
        await store.set_subscribed(person.id, True, now)
    blocked = {p.id for p in recipients[::6]}  # 50 of 300
    for chat_id in blocked:
        telegram.forbid(chat_id)
    text = "A new call to action is out."
    await outbox_of(bot).enqueue(CallCopy(3, "text"), [(p.id, Payload(text)) for p in recipients])
    counts = await finished(bot, CallCopy(3, "text"))
    assert (counts.sent, counts.failed) == (250, 50)
    assert set(delivered(telegram, text)) == {p.id for p in recipients} - blocked
    unreachable = bot.rows("SELECT user_id FROM members WHERE reachable = 0 AND subscribed = 0")
    assert {user_id for (user_id,) in unreachable} == blocked
    still = bot.rows("SELECT COUNT(*) FROM members WHERE reachable = 1 AND subscribed = 1")
    assert still == [(250,)]
    [(error,)] = bot.rows("SELECT DISTINCT last_error FROM deliveries WHERE status = 'failed'")
    assert "bot was blocked by the user" in error


async def test_enqueuing_the_same_purpose_twice_sends_once(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    recipients = people(telegram, 20)
    outbox = outbox_of(bot)
    text = "Reminder: the rally is tomorrow."
    first = await outbox.enqueue(Reminder(1, 1, 1440), [(p.id, Payload(text)) for p in recipients])
    second = await outbox.enqueue(Reminder(1, 1, 1440), [(p.id, Payload(text)) for p in recipients])
    assert (first, second) == (20, 0)
    await finished(bot, Reminder(1, 1, 1440))
    await asyncio.sleep(0.2)  # anything wrongly queued twice would go out now
    assert delivered(telegram, text) == Counter({p.id: 1 for p in recipients})


async def test_a_message_due_later_waits_for_its_time(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    [person] = people(telegram, 1)
    from datetime import timedelta

    due = bot.services.clock() + timedelta(seconds=2)
    started = time.monotonic()
    await outbox_of(bot).enqueue(CallCopy(5, "text"), [(person.id, Payload("Soon."))], due_at=due)
    reply = await person.reply(timeout=10)
    assert reply["text"] == "Soon."
    assert time.monotonic() - started > 0.9


async def test_the_broadcaster_watches_progress(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    recipients = people(telegram, 400)
    application = bot.application
    status = await application.bot.send_message(owner.id, "Starting…")
    t = Catalogs("en").translator("en")
    await outbox_of(bot).enqueue(
        CallCopy(4, "text"), [(p.id, Payload("Join us")) for p in recipients]
    )
    final = await follow_progress(
        outbox_of(bot),
        CallCopy(4, "text"),
        application.bot,
        owner.id,
        status.message_id,
        lambda counts: progress(t, counts),
        every=0.5,
    )
    assert final.sent == 400
    edits = [call.params["text"] for call in telegram.calls_to("editMessageText") if call.ok]
    assert edits[-1] == "Delivered to 400 of 400 chats"
    assert len(edits) >= 2, "the message was not edited while sending"
    assert any(text.startswith("Delivering…") for text in edits)
    await eventually(
        lambda: owner.inbox[-1]["text"] == "Delivered to 400 of 400 chats", "final text"
    )


async def test_an_unexpected_error_fails_the_row_and_sending_goes_on(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    first, second = people(telegram, 2)
    # An entity Telegram could not even read: not a Telegram error, a broken payload.
    broken = Payload("Rally", entities=({"not": "an entity"},))
    outbox = outbox_of(bot)
    await outbox.enqueue(CallCopy(9, "text"), [(first.id, broken), (second.id, Payload("Rally"))])
    counts = await finished(bot, CallCopy(9, "text"), timeout=10)
    assert (counts.sent, counts.failed, counts.claimed) == (1, 1, 0)
    assert (await second.reply())["text"] == "Rally"
