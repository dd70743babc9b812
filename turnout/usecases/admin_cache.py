"""Telegram's recent answers about who administers which chat (``usecases.admins``)."""

from __future__ import annotations

from datetime import datetime, timedelta

#: How long an answer is trusted: long enough that Confirm right after Edit does not ask again,
#: short enough that someone removed as an admin loses the power within it.
ADMIN_CACHE = timedelta(minutes=1)


class AdminCache:
    """Telegram's last answers to "is this person an admin of this chat?", with when."""

    def __init__(self) -> None:
        self._answers: dict[tuple[int, int], tuple[bool, datetime]] = {}

    def get(self, chat_id: int, user_id: int, now: datetime) -> bool | None:
        found = self._answers.get((chat_id, user_id))
        if found is None or now - found[1] >= ADMIN_CACHE:
            return None
        return found[0]

    def put(self, chat_id: int, user_id: int, admin: bool, now: datetime) -> None:
        if len(self._answers) > 10_000:  # a bound; old answers are worth nothing anyway
            self._answers.clear()
        self._answers[(chat_id, user_id)] = (admin, now)
