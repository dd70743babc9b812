"""The outbox's paid lane on a real database, with a stand-in for Telegram's answers: what the
fake server cannot easily be made to do (a slow balance, a bot Telegram will not let pay)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from turnout.delivery import Outbox, Payload
from turnout.delivery.errors import Rejected
from turnout.delivery.outbox import PAID_REFUSALS
from turnout.storage import Store
from turnout.storage.purposes import AlertCopy, CallCopy, Purpose, Reminder

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"


class Telegram:
    """Answers the outbox's posts: every send taken, unless told to refuse paid ones."""

    def __init__(self, *, balance: float = 1000.0, balance_delay: float = 0.0) -> None:
        self.balance = balance
        self.balance_delay = balance_delay
        self.refuse_paid = False
        self.posts: list[tuple[float, str, dict[str, Any]]] = []

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def post(self, method: str, body: bytes) -> Any:
        params = json.loads(body)
        self.posts.append((time.monotonic(), method, params))
        if params.get("allow_paid_broadcast") and self.refuse_paid:
            raise Rejected("Bad Request: paid broadcasts are not available to this bot", 400)
        return {"message_id": len(self.posts)}

    async def star_balance(self) -> float:
        await asyncio.sleep(self.balance_delay)
        return self.balance


class Bot:
    base_url = f"http://127.0.0.1:9/bot{TOKEN}"


def outbox(store: Store, telegram: Telegram, **options: Any) -> Outbox:
    box = Outbox(
        store,
        Bot(),  # type: ignore[arg-type]
        rate=options.pop("rate", 100.0),
        paid_rate=options.pop("paid_rate", 1000.0),
        max_in_flight=options.pop("max_in_flight", 40),
        clock=lambda: datetime.now(UTC),
        **options,
    )
    box._transport = telegram  # type: ignore[assignment]
    box._stars._transport = telegram  # type: ignore[assignment]
    return box


async def delivered(box: Outbox, purpose: Purpose, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not (await box.progress(purpose)).done:
        assert time.monotonic() < deadline, await box.progress(purpose)
        await asyncio.sleep(0.02)


async def test_two_rows_for_one_chat_keep_their_second_apart(store: Store) -> None:
    """A call's album and its text to one chat, both paid, claimed together while the balance
    is being read: the chat's one-message-a-second holds all the same."""
    telegram = Telegram(balance_delay=0.3)
    box = outbox(store, telegram)
    await box.start()
    try:
        await box.enqueue(CallCopy(1, "media"), [(42, Payload("Photos"))], paid=True)
        await box.enqueue(CallCopy(1, "text"), [(42, Payload("Rally at noon"))], paid=True)
        await delivered(box, CallCopy(1, "text"))
        await delivered(box, CallCopy(1, "media"))
    finally:
        await box.stop()
    times = [at for at, _, params in telegram.posts if params.get("chat_id") == 42]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.9


async def test_a_bot_telegram_will_not_let_pay_stops_trying(store: Store) -> None:
    telegram = Telegram()
    telegram.refuse_paid = True
    box = outbox(store, telegram)
    told: list[list[str]] = []

    async def ran_out(purposes: list[str]) -> None:
        told.append(purposes)

    box.on_stars_exhausted = ran_out
    await box.start()
    try:
        purpose = CallCopy(2, "text")
        await box.enqueue(purpose, [(chat, Payload("Go")) for chat in range(1, 301)], paid=True)
        await delivered(box, purpose)
        counts = await box.progress(purpose)
    finally:
        await box.stop()
    paid_tries = [p for _, _, p in telegram.posts if p.get("allow_paid_broadcast")]
    assert counts.sent == 300
    assert counts.failed == 0
    # Every refused copy went again, free; and the lane closed after a few refusals in a row,
    # instead of sending each copy twice.
    assert len(paid_tries) <= PAID_REFUSALS + box.max_in_flight
    assert told == [["call:2:text"]]


@pytest.mark.parametrize("refusal", ["a garbled balance", "a failing database"])
async def test_a_fault_in_the_stars_bookkeeping_sends_free_not_never(
    store: Store, refusal: str
) -> None:
    telegram = Telegram()
    box = outbox(store, telegram)
    if refusal == "a garbled balance":

        async def garbled() -> float:
            raise ValueError("amount: None")

        telegram.star_balance = garbled  # type: ignore[method-assign]
    else:
        telegram.balance = 0

        async def locked(now: datetime) -> list[str]:
            raise OSError("database is locked")

        store.stop_paying = locked  # type: ignore[method-assign]
    await box.start()
    try:
        purpose = CallCopy(3, "text")
        await box.enqueue(purpose, [(chat, Payload("Go")) for chat in range(1, 21)], paid=True)
        await delivered(box, purpose)
        counts = await box.progress(purpose)
    finally:
        await box.stop()
    assert (counts.sent, counts.failed, counts.paid) == (20, 0, 0)


async def test_rows_that_may_not_pay_hold_no_more_of_the_free_lane_than_without_a_paid_rate(
    store: Store,
) -> None:
    """A paid rate keeps 80 sends under way; reminders (never paid) still take only the free
    rate's share, so an urgent alert queued behind them goes within a few of them."""
    telegram = Telegram()
    box = outbox(store, telegram, rate=10.0, max_in_flight=80, free_in_flight=4)
    await box.start()
    try:
        await box.enqueue(
            Reminder(1, 1, 60), [(chat, Payload("Tomorrow")) for chat in range(1, 61)]
        )
        while len(telegram.posts) < 3:
            await asyncio.sleep(0.01)
        before = len(telegram.posts)
        await box.enqueue(AlertCopy(1), [(999, Payload("Police at the bridge"))])
        while not any(params["chat_id"] == 999 for _, _, params in telegram.posts):
            await asyncio.sleep(0.01)
    finally:
        await box.stop()
    reminders_first = [p for _, _, p in telegram.posts[before:] if p["chat_id"] != 999]
    alert_at = next(i for i, (_, _, p) in enumerate(telegram.posts) if p["chat_id"] == 999)
    assert alert_at - before <= 4, f"{len(reminders_first)} reminders went before the alert"


class Held(Telegram):
    """Answers one chat's send only when let go; every other send at once."""

    def __init__(self, held: int) -> None:
        super().__init__()
        self.held = held
        self.asked = asyncio.Event()
        self.go = asyncio.Event()

    async def post(self, method: str, body: bytes) -> Any:
        if json.loads(body).get("chat_id") == self.held:
            self.asked.set()
            await self.go.wait()
        return await super().post(method, body)


async def test_a_stop_records_the_answers_of_sends_that_end_after_others(store: Store) -> None:
    """A stop while sends are under way: one answer is written, another comes a moment later;
    the writer must still be there to write it (else the copy, sent, would go again after the
    restart)."""
    telegram = Held(held=7)
    box = outbox(store, telegram)
    await box.start()
    await box.enqueue(Reminder(1, 1, 60), [(6, Payload("soon")), (7, Payload("soon"))])
    await asyncio.wait_for(telegram.asked.wait(), 30)
    while len(telegram.posts) < 1:  # the other chat's copy, answered at once
        await asyncio.sleep(0.01)
    stopping = asyncio.create_task(box.stop())
    while not box._stopping:
        await asyncio.sleep(0.01)
    while (await box.progress(Reminder(1, 1, 60))).sent < 1:
        await asyncio.sleep(0.01)  # the first answer written, the writer idle: then the late one
    telegram.go.set()
    await asyncio.wait_for(stopping, 30)
    counts = await box.progress(Reminder(1, 1, 60))
    assert counts.done and counts.sent == 2
