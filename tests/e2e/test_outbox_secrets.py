"""The outbox's own connection to Telegram: its URLs hold the bot's token, and neither its log
lines (at DEBUG) nor the errors it records may ever show it."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import pytest

from tests.e2e.conftest import TOKEN, RunningBot
from turnout.delivery import Payload
from turnout.delivery.errors import Unavailable
from turnout.delivery.transport import Transport
from turnout.sandbox.fakebot import FakeTelegram
from turnout.storage.purposes import CallCopy


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_connection_failure_never_quotes_the_url() -> None:
    transport = Transport(
        f"http://127.0.0.1:{closed_port()}/bot{TOKEN}", timeout=2.0, connections=2
    )
    await transport.open()
    try:
        with pytest.raises(Unavailable) as failed:
            await transport.post("sendMessage", b'{"chat_id":1,"text":"x"}')
    finally:
        await transport.close()
    assert TOKEN.split(":")[1] not in failed.value.description
    assert TOKEN.split(":")[1] not in str(failed.value)


async def test_sending_at_debug_logs_no_token(
    bot: RunningBot, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    people = [telegram.add_user(f"Member {n}") for n in range(12)]
    telegram.fail("sendMessage", retry_after=1, times=2)  # a 429: logged, all paused
    telegram.fail("sendMessage", status=502, times=2)  # retried, the error recorded
    telegram.forbid(people[0].id)  # 403: recorded with Telegram's words
    purpose = CallCopy(4, "text")
    await bot.services.outbox.enqueue(purpose, [(p.id, Payload("Rally")) for p in people])
    deadline = time.monotonic() + 60
    while not (counts := await bot.services.outbox.progress(purpose)).done:
        assert time.monotonic() < deadline, counts
        await asyncio.sleep(0.05)
    assert (counts.sent, counts.failed) == (11, 1)
    assert "asked to wait" in caplog.text, "the 429 was not logged at all"
    errors = bot.rows("SELECT last_error FROM deliveries WHERE last_error IS NOT NULL")
    assert errors, "no error was recorded to look at"
    for secret in (TOKEN, TOKEN.split(":")[1]):
        assert secret not in caplog.text
        assert all(secret not in str(error) for (error,) in errors)


async def test_the_outbox_takes_the_proxy_the_library_takes() -> None:
    """Where Telegram is blocked, the operator's HTTPS_PROXY carries python-telegram-bot's
    requests; the outbox's own connection must honour it too, or every broadcast fails."""
    transport = Transport(
        f"http://127.0.0.1:{closed_port()}/bot{TOKEN}", timeout=2.0, connections=2
    )
    await transport.open()
    try:
        assert transport._session is not None
        assert transport._session.trust_env
    finally:
        await transport.close()
