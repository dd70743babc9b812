"""The intake: stored before handed over, handed over once, marked handled afterwards."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from tests.conftest import NOW
from turnout.bot.intake import Intake
from turnout.storage import StorageError, Store


def body_of(update: Update) -> str:
    """The update as JSON, as it is kept in the inbox."""
    return json.dumps(update.to_dict())


def update(update_id: int, user_id: int = 10) -> Update:
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ana"},
            "text": f"message {update_id}",
        },
    }
    decoded = Update.de_json(data, None)
    assert decoded is not None
    return decoded


class Handed:
    def __init__(self) -> None:
        self.updates: list[Update] = []

    def put(self, item: Update) -> None:
        self.updates.append(item)

    @property
    def ids(self) -> list[int]:
        return [u.update_id for u in self.updates]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "turnout.db")
    yield opened
    await opened.close()


def intake_on(store: Store, handed: Handed) -> Intake:
    return Intake(store, handed.put, lambda data: Update.de_json(data, None), lambda: NOW)


async def settle(store: Store) -> None:
    async with asyncio.timeout(5):
        while await store.kept_updates():
            await asyncio.sleep(0.01)


async def test_an_update_is_stored_before_it_is_handed_over(store: Store) -> None:
    stored_when_handed: list[list[int]] = []

    def put(item: Update) -> None:
        # What another process (the next start, after a kill) would find in the file now.
        with sqlite3.connect(store.path) as db:
            rows = db.execute("SELECT update_id FROM inbox WHERE body IS NOT NULL").fetchall()
        stored_when_handed.append([i for (i,) in rows])

    intake = Intake(store, put, lambda d: Update.de_json(d, None), lambda: NOW)
    await intake.start()
    first = update(1)
    assert await intake.receive([(first, body_of(first))])
    assert stored_when_handed == [[1]]
    intake.handled(first)
    await settle(store)  # and its body is erased once handled
    await intake.stop()


async def test_an_update_received_twice_is_handed_over_once(store: Store) -> None:
    handed = Handed()
    intake = intake_on(store, handed)
    await intake.start()
    first, second = update(1), update(2)
    await intake.receive([(first, body_of(first)), (second, body_of(second))])
    intake.handled(first)
    intake.handled(second)
    await settle(store)
    # Fetched again after a kill (stored, never confirmed) or posted twice to the webhook.
    await intake.receive([(first, body_of(first)), (second, body_of(second))])
    assert handed.ids == [1, 2]
    await intake.stop()


async def test_a_new_start_hands_over_what_was_left_in_order(store: Store) -> None:
    handed = Handed()
    intake = intake_on(store, handed)
    await intake.start()
    items = [update(n, user_id=10 + n % 2) for n in (5, 6, 7)]
    await intake.receive([(u, body_of(u)) for u in items])
    intake.handled(items[1])
    await intake.stop()  # a stop before 5 and 7 were handled: a kill, as far as they go

    again = Handed()
    restarted = intake_on(store, again)
    await restarted.start()
    assert again.ids == [5, 7]
    assert again.updates[0].effective_message is not None
    assert again.updates[0].effective_message.text == "message 5"
    await restarted.stop()


class FullStore:
    """A store whose every write fails as on a full disk."""

    def __init__(self) -> None:
        self.marked: list[int] = []

    async def keep_updates(self, *_: Any) -> list[int]:
        raise StorageError("database or disk is full")

    async def mark_updates_handled(self, *_: Any) -> None:
        raise StorageError("database or disk is full")

    async def prune_inbox(self, *_: Any) -> int:
        raise StorageError("database or disk is full")

    async def kept_updates(self) -> list[tuple[int, str]]:
        return []


async def test_an_update_not_stored_is_still_handled_and_settles_only_when_handled() -> None:
    handed = Handed()
    full: Any = FullStore()
    intake = Intake(full, handed.put, lambda d: Update.de_json(d, None), lambda: NOW)
    await intake.start()
    first = update(1)

    assert not await intake.receive([(first, body_of(first))])
    assert handed.ids == [1]
    settled = asyncio.create_task(intake.settled([first]))
    await asyncio.sleep(0)
    assert not settled.done()
    intake.handled(first)
    async with asyncio.timeout(5):
        await settled
    await intake.stop()


async def test_an_unreadable_update_left_in_the_inbox_does_not_stop_the_start(
    store: Store,
) -> None:
    good = update(2)
    await store.keep_updates([(1, 10, "{not json"), (2, 10, body_of(good))], NOW)
    handed = Handed()
    intake = intake_on(store, handed)
    await intake.start()
    assert handed.ids == [2]
    intake.handled(handed.updates[0])
    await settle(store)
    await intake.stop()
