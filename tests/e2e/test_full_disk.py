"""A full disk: every write refused for lack of space is answered, logged once, and nothing is
half-written; when space returns the bot goes on by itself."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.e2e.conftest import RunningBot, labels, started, text_of
from turnout.sandbox.fakebot import FakeUser
from turnout.storage import NewAction, Store, cipher

FULL = "The server is out of space; nothing was saved — try again later."
# "Живи мост." 300 times: 5.7 KB in UTF-8, more than a page holds, so it needs a new page
# wherever it is written and the capped database refuses it every time, while small writes may
# still fit in the free room of pages.
LONG_TEXT = ("\u0416\u0438\u0432\u0438 \u043c\u043e\u0441\u0442. " * 300).strip()


async def fill_the_disk(store: Store) -> None:
    """Cap the database at its size and fill the room left inside it: from now on every write
    that needs a page fails with SQLITE_FULL, as it would on a full disk."""
    async with store._lock:  # a test's way into the bot's own connection
        db = store._db
        await db.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
        async with db.execute("PRAGMA page_count") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        await db.execute(f"PRAGMA max_page_count = {int(row[0])}")
        for size in (4000, 400, 40, 4, 1):
            while True:
                try:
                    await db.execute("INSERT INTO filler VALUES (randomblob(?))", (size,))
                except cipher.ERRORS as error:
                    if "full" not in str(error):
                        raise
                    break


async def free_the_disk(store: Store) -> None:
    async with store._lock:
        db = store._db
        await db.execute("PRAGMA max_page_count = 1073741823")
        await db.execute("DELETE FROM filler")


async def test_a_full_disk_is_answered_logged_once_and_outlived(
    bot: RunningBot, ana: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    store = bot.services.store
    now = bot.services.clock()
    rally = NewAction(
        "Clean River Rally", "", now - timedelta(hours=2), "UTC", "Old bridge", None, None, None, ()
    )
    await store.create_action(rally, 1, [], now)
    await started(ana)
    await ana.send("/report")
    assert "Which action" in text_of(await ana.reply())
    await ana.press("Clean River Rally")
    await ana.callback_answer()
    assert "/done" in text_of(await ana.reply())

    caplog.set_level(logging.INFO)
    await fill_the_disk(store)
    await ana.send(LONG_TEXT)
    assert text_of(await ana.reply()) == FULL
    await ana.send(LONG_TEXT)
    assert text_of(await ana.reply()) == FULL
    await ana.send("/done")  # reading still works: the report is as it was, empty
    assert "empty" in text_of(await ana.reply())

    full_lines = [r for r in caplog.records if "cannot grow" in r.getMessage()]
    assert len(full_lines) == 1
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    draft = await store.draft_of(ana.id)
    assert draft is not None
    assert (draft.text, draft.media) == ("", ())

    await free_the_disk(store)
    await ana.send(LONG_TEXT)
    assert text_of(await ana.reply()) == "Text added."
    await ana.send("/done")
    recap = await ana.reply()
    assert "Submit" in labels(recap)
    assert [r for r in caplog.records if "written again" in r.getMessage()]
    full_lines = [r for r in caplog.records if "cannot grow" in r.getMessage()]
    assert len(full_lines) == 1
