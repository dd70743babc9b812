"""Each injected fault surfaces as the matching PTB exception."""

from __future__ import annotations

import datetime as dtm
import time
import warnings

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from turnout.sandbox.fakebot import FakeTelegram

from .conftest import make_bot

# PTB itself warns when it builds RetryAfter with an int (its v22.2 timedelta transition).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    tg.fail("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(alice.id, "hi")
    assert _seconds(caught.value) == 7
    call = tg.calls_to("sendMessage")[0]
    assert (call.status, call.retry_after) == (429, 7)
    assert call.error == "Too Many Requests: retry after 7"
    await bot.send_message(alice.id, "hi")  # times=1: the next call succeeds
    assert [c.status for c in tg.calls_to("sendMessage")] == [429, 200]
    assert [m["text"] for m in alice.inbox] == ["hi"]


async def test_fail_statuses_times_and_chat_filter(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    bob = tg.add_user("Bob")
    tg.fail("sendMessage", status=400, description="Bad Request: custom failure")
    with pytest.raises(BadRequest, match=r"(?i)custom failure"):
        await bot.send_message(alice.id, "x")
    tg.fail("sendMessage", status=403, description="Forbidden: user is deactivated")
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(alice.id, "x")
    tg.fail(status=502, times=2)  # any method
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
    tg.fail("sendMessage", times=3, chat_id=bob.id)  # 500 by default
    await bot.send_message(alice.id, "not affected")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(bob.id, "x")
    tg.clear_faults()
    await bot.send_message(bob.id, "cleared")


async def test_delay_beyond_read_timeout_times_out(tg: FakeTelegram) -> None:
    alice = tg.add_user("Alice")
    async with make_bot(tg, read_timeout=0.2) as bot:
        tg.delay("sendMessage", 0.6, times=1)
        with pytest.raises(TimedOut):
            await bot.send_message(alice.id, "slow")
        # the request still reaches "Telegram": the message appears after the delay
        message = await alice.reply(timeout=2)
        assert message["text"] == "slow"
        started = time.monotonic()
        await bot.send_message(alice.id, "fast")
        assert time.monotonic() - started < 0.5


async def test_rate_limit(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    tg.rate_limit(3)
    for i in range(3):
        await bot.send_message(alice.id, f"burst {i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(alice.id, "one too many")
    assert _seconds(caught.value) == 1
    tg.rate_limit(None)
    await bot.send_message(alice.id, "unlimited again")
    assert len(alice.inbox) == 4
