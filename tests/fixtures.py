"""Reusable pytest fixtures; import them into a ``conftest.py``::

from tests.fixtures import FAKE_TOKEN, fake_telegram, make_ptb_bot  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from turnout.sandbox.fakebot import FakeTelegram

FAKE_TOKEN = "123456789:AAFakeTokenForTurnoutTests_abcdefghij"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A started :class:`FakeTelegram` for :data:`FAKE_TOKEN`; the test fails afterwards if the
    fake hit an internal error."""
    async with FakeTelegram(FAKE_TOKEN) as server:
        yield server
    assert not server.internal_errors, server.internal_errors


def make_ptb_bot(
    server: FakeTelegram, *, token: str = FAKE_TOKEN, read_timeout: float = 5.0
) -> Bot:
    """A PTB ``Bot`` (not yet initialized) talking to ``server``."""
    return Bot(
        token,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=HTTPXRequest(connection_pool_size=8, read_timeout=read_timeout),
        get_updates_request=HTTPXRequest(read_timeout=read_timeout),
    )
