"""A PTB ``Application`` polling the fake, driven through ``FakeUser``."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from turnout.sandbox.fakebot import FakeTelegram

from .conftest import TOKEN

AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="rsvp:yes"),
                InlineKeyboardButton("No", callback_data="rsvp:no"),
            ],
            [InlineKeyboardButton("Website", url="https://example.org")],
        ]
    )
    await update.effective_message.reply_text("Will you come?", reply_markup=keyboard)


async def _rsvp(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    answer = (query.data or "").split(":")[-1]
    await query.answer(f"Saved: {answer}")
    await query.edit_message_text(f"You answered {answer}")


@pytest.fixture
async def app(tg: FakeTelegram) -> AsyncIterator[AnyApp]:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_rsvp, pattern=r"^rsvp:"))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=2)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_start_press_and_edit(tg: FakeTelegram, app: AnyApp) -> None:
    alice = tg.add_user("Alice")
    await alice.send("/start")
    reply = await alice.reply()
    assert reply["text"] == "Will you come?"

    update = await alice.press("Yes")
    assert update["callback_query"]["data"] == "rsvp:yes"
    answer = await alice.callback_answer()
    assert answer["text"] == "Saved: yes"
    assert answer["show_alert"] is False
    edited = await alice.edit()
    assert edited["text"] == "You answered yes"
    assert "reply_markup" not in edited
    assert alice.inbox[-1]["text"] == "You answered yes"
    await alice.no_reply(within=0.2)

    with pytest.raises(AssertionError, match="no inline button labelled 'Yes'"):
        await alice.press("Yes")  # the keyboard is gone after the edit


async def test_helpers_explain_failures(tg: FakeTelegram, app: AnyApp) -> None:
    alice = tg.add_user("Alice")
    await alice.send("/start")
    await alice.reply()
    with pytest.raises(AssertionError) as missing:
        await alice.press("Maybe")
    assert "['Yes', 'No', 'Website']" in str(missing.value)
    with pytest.raises(AssertionError, match="not a callback button"):
        await alice.press("Website")

    await alice.send("no handler for this")
    with pytest.raises(AssertionError) as silent:
        await alice.reply(timeout=0.3)
    text = str(silent.value)
    assert "got no 1 new message(s)" in text
    assert "'Will you come?'" in text

    # forged callback data nobody handles: the bot does not answer
    await alice.press_data("forged:1")
    with pytest.raises(AssertionError, match="answerCallbackQuery"):
        await alice.callback_answer(timeout=0.3)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_application_in_webhook_mode(tg: FakeTelegram) -> None:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    alice = tg.add_user("Alice")
    port = _free_port()
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="turnout-secret",
        )
        try:
            await alice.send("/start")
            assert (await alice.reply())["text"] == "Will you come?"
        finally:
            await application.updater.stop()
            await application.stop()
    assert tg.webhook_deliveries[0].ok
    assert tg.calls_to("setWebhook")[0].params["secret_token"] == "turnout-secret"
