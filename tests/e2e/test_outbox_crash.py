"""A hard kill in the middle of a broadcast: nothing is lost, and little is sent twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN, environment, open_store, start_turnout
from turnout.delivery import Payload
from turnout.sandbox.fakebot import FakeTelegram
from turnout.storage.purposes import CallCopy

RECIPIENTS = 2000
MAX_IN_FLIGHT = 16
TEXT = "Clean River Rally: the march starts at noon."


#: A paid broadcast at 400 a second keeps 0.2 s of it in flight (``Settings.in_flight``).
PAID_RATE = 400
PAID_IN_FLIGHT = 80


@pytest.mark.parametrize("paid", [False, True], ids=["free", "paid"])
async def test_a_kill_9_loses_no_delivery(
    telegram: FakeTelegram, tmp_path: Path, paid: bool
) -> None:
    database = tmp_path / "data" / "turnout.db"
    people = [telegram.add_user(f"Member {n}") for n in range(RECIPIENTS)]
    store = await open_store(database)
    now = datetime.now(UTC)
    payload = Payload(TEXT).to_json()
    await store.enqueue_deliveries(
        CallCopy(1, "text"), [(p.id, payload) for p in people], now, now, may_pay=paid
    )
    await store.close()
    telegram.set_star_balance(10_000)

    sent = Counter[int]()

    def count_sends() -> int:
        sent.clear()
        sent.update(
            int(call.params["chat_id"])
            for call in telegram.calls_to("sendMessage")
            if call.ok and call.params.get("text") == TEXT
        )
        return sum(sent.values())

    env = environment(
        bot_token=TOKEN,
        database=str(database),
        api_base_url=telegram.base_url,
        api_file_url=telegram.base_file_url,
        rate_limit="25" if paid else "400",
        max_in_flight=str(MAX_IN_FLIGHT),
        **({"paid_broadcast_rate": str(PAID_RATE)} if paid else {}),
    )
    first = await start_turnout(env)
    try:
        await telegram.wait_until(lambda: count_sends() >= 300, timeout=60)
    finally:
        first.kill()  # SIGKILL: no shutdown, no chance to record what is in flight
        await first.wait()
    before_restart = count_sends()
    assert before_restart < RECIPIENTS, "the kill came too late to test anything"

    second = await start_turnout(env)
    try:
        await telegram.wait_until(
            lambda: count_sends() >= RECIPIENTS and len(sent) == RECIPIENTS, timeout=90
        )
    finally:
        second.terminate()
        await second.wait()

    count_sends()
    assert set(sent) == {p.id for p in people}, "a recipient never got the message"
    duplicates = sum(times - 1 for times in sent.values())
    assert duplicates <= (PAID_IN_FLIGHT if paid else MAX_IN_FLIGHT)
    store = await open_store(database)
    try:
        [counts] = await store.delivery_counts(CallCopy(1, "text"))
    finally:
        await store.close()
    assert counts.sent == RECIPIENTS
    paid_calls = sum(
        1
        for call in telegram.calls_to("sendMessage")
        if call.ok and call.params.get("allow_paid_broadcast") is True
    )
    if paid:
        # Most went paid, each charged once; the record may miss only the kill's in-flight ones.
        assert paid_calls > RECIPIENTS // 2
        assert telegram.star_balance == pytest.approx(10_000 - paid_calls * 0.1)
        assert paid_calls - PAID_IN_FLIGHT <= counts.paid <= paid_calls
    else:
        assert paid_calls == 0
