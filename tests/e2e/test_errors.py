"""When something fails unexpectedly, the user hears about it and the log says which update."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.e2e.conftest import RunningBot, started, text_of
from turnout.sandbox.fakebot import FakeUser


async def test_an_unexpected_failure_is_logged_and_the_user_told(
    bot: RunningBot, ana: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    await started(ana)
    # Telegram fails the reply once (a 500); the next message, the apology, goes through.
    bot.telegram.fail("sendMessage", status=500, chat_id=ana.id)
    with caplog.at_level(logging.ERROR, logger="turnout"):
        await ana.send("/help")
        apology = await ana.reply()
    assert text_of(apology) == "Something went wrong on my side. Please try again in a moment."
    [record] = [r for r in caplog.records if r.name == "turnout.handlers.errors"]
    assert getattr(record, "update_id", None) is not None
    assert record.exc_info is not None or record.exc_text


@pytest.mark.parametrize("mode", ["webhook"])
async def test_the_webhook_refuses_requests_without_telegrams_secret(
    bot: RunningBot, ana: FakeUser
) -> None:
    assert bot.settings.webhook_url is not None
    forged = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": ana.id, "type": "private"},
            "from": {"id": ana.id, "is_bot": False, "first_name": "Ana"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with httpx.AsyncClient() as client:
        missing = await client.post(bot.settings.webhook_url, json=forged)
        wrong = await client.post(
            bot.settings.webhook_url,
            json=forged,
            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
        )
    assert missing.status_code == 403
    assert wrong.status_code == 403
    await ana.no_reply(within=0.3)
    assert bot.rows("SELECT COUNT(*) FROM members") == [(0,)]
