"""Event-driven change notification used by long polling and the scenario helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable


class Notifier:
    """A broadcast pulse: every :meth:`notify` wakes all current waiters.

    Waiters re-check their predicate after each pulse, so nothing is polled on a timer.
    :meth:`notify` is synchronous, which lets plain (non-async) code signal changes.

    A waiter may instead watch one *topic* (a chat's new bot messages): it is woken only by a
    pulse after that topic was :meth:`touch`-ed. With hundreds of simulated people waiting for
    their replies, waking all of them on every API call would cost more than the bot under test.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._topics: dict[Hashable, asyncio.Event] = {}
        self._touched: set[Hashable] = set()

    def touch(self, topic: Hashable) -> None:
        """Mark ``topic`` as changed; its waiters wake at the next :meth:`notify`."""
        self._touched.add(topic)

    def notify(self, *, everyone: bool = False) -> None:
        """Wake everybody waiting without a topic, and those of touched topics (or all)."""
        self._event.set()
        self._event = asyncio.Event()
        topics = list(self._topics) if everyone else self._touched
        for topic in topics:
            event = self._topics.pop(topic, None)
            if event is not None:
                event.set()
        self._touched = set()

    async def wait_for(
        self, predicate: Callable[[], bool], within: float | None, topic: Hashable = None
    ) -> bool:
        """Wait until ``predicate()`` is true; return ``False`` if ``within`` seconds pass first."""
        try:
            async with asyncio.timeout(within):
                while not predicate():
                    if topic is None:
                        await self._event.wait()
                    else:
                        await self._topics.setdefault(topic, asyncio.Event()).wait()
        except TimeoutError:
            return predicate()
        return True
