"""Helpers shared by the storage tests: actions, reports, calls, and a look at the file itself.

Every test runs on a real SQLite file (the ``store`` fixture of ``tests/conftest.py``); ``read_db``
reads that same file through a connection of its own, so what a test checks is what was
committed, not what one connection happens to hold.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW
from turnout.storage import (
    Action,
    Call,
    CallStatus,
    NewAction,
    NewCall,
    Report,
    ReportMedia,
    Store,
)

#: When the actions made here start, unless a test says otherwise.
START = NOW + timedelta(days=2)
#: The organiser who plans actions and writes calls (an id only: no member row needed).
ORGANISER = 7

Plan = Sequence[tuple[int, datetime]]
ActionFactory = Callable[..., Awaitable[Action]]
ReportFactory = Callable[..., Awaitable[Report]]
CallFactory = Callable[..., Awaitable[Call]]
ReadDb = Callable[..., list[tuple[Any, ...]]]

_ACTION = NewAction(
    title="Tenants' Picket",
    description="",
    starts_at=START,
    timezone="UTC",
    place="Housing office",
    latitude=None,
    longitude=None,
    capacity=None,
    reminder_minutes=(1440, 120),
)


def new_action(**changes: Any) -> NewAction:
    """What an organiser fills in: a picket two days from ``NOW``, with ``changes``."""
    return replace(_ACTION, **changes)


def plan_for(starts_at: datetime, minutes: Sequence[int]) -> list[tuple[int, datetime]]:
    """The reminders of an action starting at ``starts_at``: (minutes before, due at) each."""
    return [(m, starts_at - timedelta(minutes=m)) for m in minutes]


def planner(action: Action) -> list[tuple[int, datetime]]:
    """What ``reschedule_action`` is given: every reminder of the action as stored."""
    return plan_for(action.starts_at, action.reminder_minutes)


def photo(message_id: int, group: str | None = None) -> ReportMedia:
    return ReportMedia(
        "photo",
        f"file{message_id}",
        f"u{message_id}",
        1000,
        "image/jpeg",
        800,
        600,
        None,
        None,
        group,
        message_id,
    )


def new_call(**changes: Any) -> NewCall:
    values: dict[str, Any] = {
        "text": "Everyone to the square!",
        "entities": "[]",
        "media": "[]",
        "action_id": None,
        "targets": (),
        "to_subscribers": True,
    }
    values.update(changes)
    return NewCall(**values)


@pytest.fixture
def make_action(store: Store) -> ActionFactory:
    """Create an action: ``await make_action(capacity=3)``; its reminders are planned from its
    ``reminder_minutes`` unless ``plan`` is given, and ``by`` created it."""

    async def make(*, by: int = ORGANISER, plan: Plan | None = None, **changes: Any) -> Action:
        new = new_action(**changes)
        reminders = plan_for(new.starts_at, new.reminder_minutes) if plan is None else plan
        return await store.create_action(new, by, reminders, NOW)

    return make


@pytest.fixture
def make_report(store: Store) -> ReportFactory:
    """A submitted report of ``user_id``: ``await make_report(ana.user_id, action_id=3)``."""

    async def make(
        user_id: int,
        *,
        action_id: int | None = None,
        text: str = "We were forty",
        media: Sequence[ReportMedia] = (),
        at: datetime = NOW,
    ) -> Report:
        draft = await store.open_draft(user_id, at)
        fields: dict[str, object] = {"action_id": action_id, "action_chosen": 1, "text": text}
        await store.update_draft(draft.id, fields, at)
        for item in media:
            assert await store.add_report_media(draft.id, item)
        assert await store.submit_report(draft.id, at)
        report = await store.report(draft.id)
        assert report is not None
        return report

    return make


@pytest.fixture
def make_call(store: Store) -> CallFactory:
    """A call written by ``author`` (published unless ``status`` says otherwise)."""

    async def make(
        *,
        author: int = ORGANISER,
        status: CallStatus = CallStatus.PUBLISHED,
        publish_at: datetime | None = None,
        copies: Any = (),
        **changes: Any,
    ) -> Call:
        return await store.create_call(author, new_call(**changes), status, publish_at, NOW, copies)

    return make


@pytest.fixture
def read_db(db_path: Path) -> ReadDb:
    """Run one query on the database file through a connection of its own."""

    def read(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(db_path)) as db:
            return [tuple(row) for row in db.execute(sql, params).fetchall()]

    return read


async def audited(store: Store) -> list[str]:
    """What the audit log holds, oldest first."""
    return [entry.action for entry in reversed(await store.audit_entries(limit=1000))]
