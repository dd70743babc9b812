"""A hard kill while a member's photos are still being handled: none of them is lost.

A slow link (0.4 s for every reply) and a member who sends 20 photos at once: the bot has
fetched them all, and confirmed them to Telegram, long before it has handled them. The bot is
killed (SIGKILL) after a few acknowledgements and started again; the report must hold all 20,
in polling mode (confirmed by the next getUpdates offset) and in webhook mode (answered 200).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Update

from tests.e2e.conftest import (
    TOKEN,
    RunningBot,
    environment,
    free_port,
    labels,
    open_store,
    start_turnout,
    text_of,
    webhook_settings,
)
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import NewAction

PHOTOS = 20
KILL_AFTER = 6


def acknowledgements(member: FakeUser) -> int:
    return sum(1 for message in member.inbox if text_of(message) == "Added.")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_kill_9_loses_no_photo_already_sent(
    telegram: FakeTelegram, tmp_path: Path, mode: str
) -> None:
    database = tmp_path / "data" / "turnout.db"
    store = await open_store(database)
    now = datetime.now(UTC)
    rally = NewAction(
        "Clean River Rally", "", now - timedelta(hours=2), "UTC", "Old bridge", None, None, None, ()
    )
    await store.create_action(rally, 1, [], now)
    await store.close()
    settings = {
        "bot_token": TOKEN,
        "database": str(database),
        "api_base_url": telegram.base_url,
        "api_file_url": telegram.base_file_url,
    }
    if mode == "webhook":
        settings |= {name: str(value) for name, value in webhook_settings(free_port()).items()}
    env = environment(**settings)
    ana = telegram.add_user("Ana")

    first = await start_turnout(env)
    try:
        await ana.send("/start")
        await ana.reply(timeout=30)
        await ana.send("/report")
        assert "Which action" in text_of(await ana.reply(timeout=10))
        await ana.press("Clean River Rally")
        assert "/done" in text_of(await ana.reply(timeout=10))

        telegram.delay("sendMessage", 0.4)  # a slow link: every reply takes 0.4 s
        for _ in range(PHOTOS):
            await ana.send_photo()
        await telegram.wait_until(
            lambda: acknowledgements(ana) >= KILL_AFTER,
            timeout=20,
            message=str([text_of(m) for m in ana.inbox]),
        )
        if mode == "polling":
            # Every photo was fetched and confirmed by the next offset long before it was handled.
            await telegram.wait_until(lambda: not telegram.pending_updates, timeout=10)
    finally:
        first.kill()  # SIGKILL: no shutdown, nothing saved on the way out
        await first.wait()
    assert acknowledgements(ana) < PHOTOS, "the kill came too late to test anything"
    assert not telegram.pending_updates, "Telegram still holds updates: nothing to lose"

    telegram.faults.clear()
    second = await start_turnout(env)
    try:
        if mode == "webhook":
            # The fake server gives up on a webhook that does not answer far sooner than
            # Telegram does: speak once the bot listens again.
            await telegram.wait_until(lambda: len(telegram.calls_to("setWebhook")) == 2, timeout=30)
        await ana.send("/done")

        def recap() -> str:
            recaps = [text_of(m) for m in ana.inbox if "Submit" in labels(m)]
            return recaps[-1] if recaps else ""

        await telegram.wait_until(lambda: bool(recap()), timeout=60)
    finally:
        second.terminate()
        await second.wait()
    assert f"{PHOTOS} photos" in recap()
    store = await open_store(database)
    try:
        draft = await store.draft_of(ana.id)
    finally:
        await store.close()
    assert draft is not None
    assert len(draft.media) == PHOTOS
    assert len({m.file_unique_id for m in draft.media}) == PHOTOS


async def test_a_message_handled_again_after_a_kill_adds_its_text_once(
    bot: RunningBot, ana: FakeUser
) -> None:
    """What a restart does to the update that was being handled at the kill: the same update,
    the same message, handled a second time."""
    store = bot.services.store
    now = bot.services.clock()
    rally = NewAction(
        "Clean River Rally", "", now - timedelta(hours=2), "UTC", "Old bridge", None, None, None, ()
    )
    await store.create_action(rally, 1, [], now)
    await ana.send("/start")
    await ana.reply()
    await ana.send("/report")
    await ana.reply()
    await ana.press("Clean River Rally")
    await ana.reply()
    sent = await ana.send("About 300 people came.")
    assert text_of(await ana.reply()) == "Text added."

    again = Update.de_json({"update_id": 999_999_999, "message": sent}, bot.application.bot)
    assert again is not None
    await bot.application.update_queue.put(again)
    assert text_of(await ana.reply()) == "Text added."
    draft = await store.draft_of(ana.id)
    assert draft is not None
    assert draft.text == "About 300 people came."
