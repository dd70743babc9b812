"""A running sandbox (fake server, the real bot, the page) on a free port, per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from turnout.sandbox.runner import Sandbox, SandboxOptions


@pytest.fixture
async def sandbox(tmp_path: Any) -> AsyncIterator[Sandbox]:
    async with Sandbox(SandboxOptions(port=0, database=tmp_path / "sandbox.db")) as running:
        yield running
    assert not running.telegram.internal_errors, running.telegram.internal_errors


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=sandbox.url) as session:
        yield session
