"""Updates from different people are handled at once; each person's stay in the order sent.

One at a time for everybody (python-telegram-bot's default) means one slow answer (an export, a
chart, a paused send) holds up every member on the day of the action. Everything at once
breaks a person's own sequence: the parts of an album, the steps of a conversation, text
appended to a report. So updates are chained per sender: each one starts when the previous
update of the same sender has finished, and at most ``limit`` run at the same time overall.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# The library's own semaphore must never make an update wait: updates are chained in the order
# they enter ``do_process_update``, which is the order they were fetched only if nothing before
# that point suspends. The real bound is ``_running`` below.
_UNBOUNDED = 2**31 - 1


def sender_key(update: object) -> int | None:
    """Whose sequence an update belongs to: the person, else the chat; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerSenderProcessor(BaseUpdateProcessor):
    """At most ``limit`` updates at once, never two of the same sender, each sender's in order."""

    __slots__ = ("_limit", "_running", "_tails", "on_handled")

    def __init__(self, limit: int) -> None:
        super().__init__(_UNBOUNDED)
        self._limit = limit
        #: Told of every update the application is done with (the intake marks it handled).
        self.on_handled: Callable[[object], None] | None = None
        self._running = asyncio.Semaphore(limit)
        self._tails: dict[int | None, asyncio.Future[None]] = {}

    @property
    def limit(self) -> int:
        return self._limit

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = sender_key(update)
        # Registered before the first await, so the chain follows the order of arrival.
        previous = self._tails.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = done
        started = False
        try:
            if previous is not None:
                # Shielded: giving up on this update must not cancel the one before it.
                await asyncio.shield(previous)
            async with self._running:
                started = True
                try:
                    await coroutine
                finally:
                    # An update whose handling failed is done with too (handling it again would
                    # fail again); only one cut short by stopping is left for the next start.
                    task = asyncio.current_task()
                    if self.on_handled is not None and not (task and task.cancelling()):
                        self.on_handled(update)
        finally:
            if not started and asyncio.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: never run, and no warning
            if previous is not None and not previous.done():
                # Given up while the one before still runs: the next waits for that one.
                previous.add_done_callback(lambda _: self._finish(key, done))
            else:
                self._finish(key, done)

    def _finish(self, key: int | None, done: asyncio.Future[None]) -> None:
        done.set_result(None)
        if self._tails.get(key) is done:
            del self._tails[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for running updates itself."""
