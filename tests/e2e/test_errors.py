"""When something fails unexpectedly, the user hears about it and the log says which update."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import httpx
import pytest

from tests.e2e.conftest import TOKEN, Clock, RunningBot, running, started, text_of
from turnout.bot.logs import configure_logging
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser


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


@pytest.mark.parametrize("mode", ["webhook"])
async def test_the_webhooks_generated_secret_never_reaches_the_log(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", "text", [TOKEN], stream)
    try:
        # No TURNOUT_WEBHOOK_SECRET: one is made at start, and setWebhook is logged at DEBUG.
        async with running(make_settings(webhook_secret=None), clock, telegram):
            await telegram.wait_until(lambda: telegram.hub.webhook is not None)
            assert telegram.hub.webhook is not None
            secret = telegram.hub.webhook.secret_token
    finally:
        logging.getLogger().removeHandler(handler)
    assert secret
    assert "setWebhook" in stream.getvalue()  # the line that carried it is there, redacted
    assert secret not in stream.getvalue()


@pytest.mark.parametrize("mode", ["webhook"])
async def test_the_webhook_refuses_a_huge_body_from_its_headers(
    bot: RunningBot, ana: FakeUser
) -> None:
    assert bot.settings.webhook_url is not None
    huge = b"{" + b" " * (2 * 1024 * 1024) + b"}"  # 2 MiB; an update is a few kilobytes
    async with httpx.AsyncClient() as client:
        without = await client.post(bot.settings.webhook_url, content=huge)
        with_secret = await client.post(
            bot.settings.webhook_url,
            content=huge,
            headers={"X-Telegram-Bot-Api-Secret-Token": "e2e-webhook-secret"},
        )
        not_json = await client.post(
            bot.settings.webhook_url,
            content=b"not an update",
            headers={"X-Telegram-Bot-Api-Secret-Token": "e2e-webhook-secret"},
        )
    assert without.status_code == 403
    assert with_secret.status_code == 413
    assert not_json.status_code == 400
    # The bot goes on: a real update after them is answered.
    await started(ana)
