"""Telegram's answers about admins, kept for a minute (``usecases.admin_cache``)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW
from turnout.usecases.admin_cache import ADMIN_CACHE, AdminCache


def test_an_answer_is_kept_for_a_minute_then_asked_again() -> None:
    cache = AdminCache()
    assert cache.get(-100, 7, NOW) is None
    cache.put(-100, 7, True, NOW)
    cache.put(-100, 8, False, NOW)
    assert cache.get(-100, 7, NOW + ADMIN_CACHE - timedelta(seconds=1)) is True
    assert cache.get(-100, 8, NOW) is False
    assert cache.get(-200, 7, NOW) is None  # another chat
    assert cache.get(-100, 7, NOW + ADMIN_CACHE) is None
