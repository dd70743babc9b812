"""Fixtures shared by every kind of test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from turnout.storage import Member, Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

MemberFactory = Callable[..., Awaitable[Member]]


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings come only from what a test gives: not the developer's shell, not their .env."""
    for name in list(os.environ):
        if name.startswith("TURNOUT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as ``turnout`` itself sets it
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "turnout.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture
def make_member(store: Store) -> MemberFactory:
    """Register members with ascending ids: ``await make_member(first_name="Ana")``."""
    counter = iter(range(500_001, 600_000))

    async def make(
        first_name: str = "Ana", language: str = "en", timezone: str = "UTC", **_: object
    ) -> Member:
        member, _created = await store.register_member(
            next(counter), first_name, language, timezone, NOW
        )
        return member

    return make
