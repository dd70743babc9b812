"""Event-driven change notification used by long polling and the scenario helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Notifier:
    """A broadcast pulse: every :meth:`notify` wakes all current waiters.

    Waiters re-check their predicate after each pulse, so nothing is polled on a timer.
    :meth:`notify` is synchronous, which lets plain (non-async) code signal changes.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake everybody waiting in :meth:`wait_for`."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], within: float | None) -> bool:
        """Wait until ``predicate()`` is true; return ``False`` if ``within`` seconds pass first."""
        try:
            async with asyncio.timeout(within):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            return predicate()
        return True
