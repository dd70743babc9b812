"""Fixtures: a started fake server and a real PTB ``Bot`` pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from tests.fixtures import FAKE_TOKEN, fake_telegram, make_ptb_bot
from turnout.sandbox.fakebot import FakeTelegram

__all__ = ["fake_telegram"]  # re-exported fixture, used by test_fakebot_validate

TOKEN = FAKE_TOKEN


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A running fake server; fails the test if the fake itself hit an internal error."""
    async with FakeTelegram(TOKEN) as server:
        yield server
    assert not server.internal_errors, server.internal_errors


def make_bot(tg: FakeTelegram, *, read_timeout: float = 5.0) -> Bot:
    """A PTB ``Bot`` talking to ``tg``."""
    return make_ptb_bot(tg, read_timeout=read_timeout)


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """An initialized PTB ``Bot`` (``getMe`` already called)."""
    async with make_bot(tg) as client:
        yield client
