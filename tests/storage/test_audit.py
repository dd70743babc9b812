"""The audit log on a real SQLite file: what was done, by whom, to whom, newest first."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.conftest import NOW
from tests.storage.conftest import ReadDb
from turnout.storage import AuditEntry, Store


async def test_an_act_is_recorded_with_who_did_it_to_whom(store: Store) -> None:
    await store.audit(NOW, 7, "export", 42, {"reports": 12, "format": "zip"})
    assert await store.audit_entries() == [
        AuditEntry(1, NOW, 7, "export", 42, '{"format": "zip", "reports": 12}')
    ]


async def test_an_act_of_nobody_in_particular_has_an_empty_detail(store: Store) -> None:
    await store.audit(NOW + timedelta(microseconds=9), None, "retention:purge")
    [entry] = await store.audit_entries()
    assert (entry.at, entry.actor_id, entry.target_id, entry.detail) == (NOW, None, None, "{}")


async def test_the_detail_is_json_whatever_it_holds(store: Store) -> None:
    await store.audit(NOW, 7, "export", None, {"when": NOW, "ids": (1, 2), "note": 'a "quote"'})
    [entry] = await store.audit_entries()
    assert json.loads(entry.detail) == {
        "when": "2026-11-26 12:00:00+00:00",
        "ids": [1, 2],
        "note": 'a "quote"',
    }


async def test_the_newest_entries_come_first(store: Store) -> None:
    for minutes in (0, 10, 5):
        await store.audit(NOW + timedelta(minutes=minutes), 7, f"act:{minutes}")
    assert [e.action for e in await store.audit_entries()] == ["act:5", "act:10", "act:0"]
    assert [e.action for e in await store.audit_entries(limit=2)] == ["act:5", "act:10"]


async def test_the_same_act_twice_is_two_entries(store: Store, read_db: ReadDb) -> None:
    await store.audit(NOW, 7, "export")
    await store.audit(NOW, 7, "export")
    assert read_db("SELECT id, action FROM audit_log") == [(1, "export"), (2, "export")]
