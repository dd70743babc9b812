"""Exactly-once intake: an update is confirmed to Telegram only once it is in the database.

python-telegram-bot's updater confirms a batch of updates (by the next ``getUpdates`` offset) as
soon as it has put them in an in-memory queue; a hard kill then loses every update fetched but
not yet handled, although Telegram will never send them again (a member's photos, acknowledged
by nobody, gone). Here each batch is written to the inbox table first, in one transaction, and
only then handed to the application and confirmed by the next fetch; the webhook answers 200
only after the same write. An update's body is erased as soon as it has been handled, and a
start handles what the inbox still holds before it fetches anything new, in arrival order (the
per-sender processor keeps each person's own order). Updates handled together are marked in one
transaction, so a busy bot pays one write for many of them.

Handling is at least once for the few updates running when the kill came (their work may be
done but not yet marked); handlers that store what a person sends key it by the message (a
report's media by message id), so doing one again stores nothing twice.

When the database cannot be written (a full disk), an update is handled all the same, from
memory, and confirmed only after it has been handled: its person is told that nothing was saved
(``handlers/errors.py``), rather than waiting for an answer that cannot come.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut

from turnout.bot.ordering import sender_key
from turnout.storage import StorageError, Store

log = logging.getLogger(__name__)

#: How long one getUpdates call waits for news; stopping does not wait for it to end.
POLL_TIMEOUT = 10
#: A pause between two fetches of updates. Without it, under load every fetch returns one or two
#: updates and fetching costs more than handling them (benchmarks/intake.py). At most 20 ms more
#: for an update that arrives during the pause; an idle bot still waits at Telegram (long
#: polling) and answers at once.
POLL_INTERVAL = 0.02
#: Updates fetched but not yet handled, at most: beyond it, fetching waits (Telegram keeps the
#: rest a day), so a flood after a long outage cannot fill the memory.
MAX_WAITING = 2000
#: Handled updates' ids are kept this long (the longest Telegram keeps an update).
KEEP_HANDLED = timedelta(days=1)
#: Waiting after a failed fetch, doubled each time up to the longest.
RETRY_FIRST, RETRY_LONGEST = 1.0, 30.0


class Intake:
    """Receives updates (from polling or the webhook), stores them, hands them to the
    application, and marks them handled when the application is done with them."""

    def __init__(
        self,
        store: Store,
        put: Callable[[Update], Any],
        decode: Callable[[dict[str, Any]], Update | None],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._put = put
        self._decode = decode
        self._clock = clock
        # Update ids handed over and not yet handled; resolved once handled.
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self._room = asyncio.Event()
        self._room.set()
        self._handled: list[int] = []
        self._wake = asyncio.Event()
        self._marker: asyncio.Task[None] | None = None

    # -- the application's side -----------------------------------------------------------

    def handled(self, update: object) -> None:
        """Called by the update processor when the application is done with ``update``."""
        if not isinstance(update, Update):
            return
        done = self._waiting.pop(update.update_id, None)
        if done is None:
            return
        if not done.done():
            done.set_result(None)
        if len(self._waiting) < MAX_WAITING:
            self._room.set()
        self._handled.append(update.update_id)
        self._wake.set()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Forget long-handled ids, hand over what the last run left, start marking."""
        try:
            await self._store.prune_inbox(self._clock() - KEEP_HANDLED)
            left = await self._store.kept_updates()
        except StorageError as error:
            log.error("could not read the inbox: %s", error)
            left = []
        if left:
            log.info("handling %d update(s) received before the last stop", len(left))
        unreadable: list[int] = []
        for update_id, body in left:
            try:
                update = self._decode(json.loads(body))
            except (ValueError, TypeError, KeyError) as error:
                update = None
                log.error(
                    "update %d in the inbox cannot be read (%s); it is dropped", update_id, error
                )
            if update is None:
                unreadable.append(update_id)
            else:
                self._hand_over(update)
        self._handled.extend(unreadable)
        self._wake.set()
        self._marker = asyncio.create_task(self._mark_forever(), name="inbox-marker")

    async def stop(self) -> None:
        """After the application has stopped: mark what it finished since the last write."""
        if self._marker is not None:
            self._marker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._marker
            self._marker = None
        if self._handled:
            try:
                await self._store.mark_updates_handled(self._handled)
            except StorageError as error:
                log.warning("could not mark %d update(s) handled: %s", len(self._handled), error)
            self._handled = []

    # -- receiving --------------------------------------------------------------------------

    async def receive(self, updates: Sequence[tuple[Update, str]]) -> bool:
        """Store ``(update, JSON body)`` pairs and hand the new ones over. False when they
        could not be stored: they were handed over all the same, and must not be confirmed to
        Telegram before ``settled`` says they have been handled."""
        try:
            new = set(
                await self._store.keep_updates(
                    [(update.update_id, sender_key(update), body) for update, body in updates],
                    self._clock(),
                )
            )
        except StorageError as error:
            log.debug("inbox not written, handling from memory: %s", error)
            for update, _ in updates:
                if update.update_id not in self._waiting:
                    self._hand_over(update)
            return False
        for update, _ in updates:
            if update.update_id in new:
                self._hand_over(update)
        return True

    async def settled(self, updates: Sequence[Update]) -> None:
        """Wait until every one of ``updates`` handed over has been handled."""
        waiting = [self._waiting[u.update_id] for u in updates if u.update_id in self._waiting]
        if waiting:
            # ``wait``, not ``gather``: giving up (stopping) must not cancel the futures.
            await asyncio.wait(waiting)

    @property
    def has_room(self) -> bool:
        return self._room.is_set()

    async def room(self) -> None:
        """Wait until fewer than ``MAX_WAITING`` updates are waiting to be handled."""
        await self._room.wait()

    def _hand_over(self, update: Update) -> None:
        self._waiting[update.update_id] = asyncio.get_running_loop().create_future()
        if len(self._waiting) >= MAX_WAITING:
            self._room.clear()
        self._put(update)

    async def _mark_forever(self) -> None:
        # Whatever was handled while the last write ran goes in the next one: one transaction
        # for many updates under load, one per update when quiet.
        while True:
            await self._wake.wait()
            # A moment for others to finish too: under load one write marks dozens. Only the
            # marks wait; a kill within it means a few updates handled a second time, which
            # stores nothing twice (see above).
            await asyncio.sleep(POLL_INTERVAL)
            self._wake.clear()
            batch, self._handled = self._handled, []
            if not batch:
                continue
            try:
                await self._store.mark_updates_handled(batch)
            except StorageError as error:
                # Handled again after a restart if it never succeeds: better than lost.
                log.debug("could not mark %d update(s) handled: %s", len(batch), error)
                self._handled[:0] = batch
                await asyncio.sleep(RETRY_FIRST)
                self._wake.set()


async def fetch_updates(bot: Bot, offset: int) -> list[tuple[Update, str]]:
    """One ``getUpdates``: each update with its JSON as Telegram sent it.

    ``Bot.get_updates`` gives only the objects, and turning them back into JSON cost more than
    all the rest of keeping them (benchmarks/intake.py: about 0.4 ms an update). So this asks
    through the library's ``_post``, which ``get_updates`` itself uses, and decodes the objects
    from the same JSON, as ``get_updates`` does."""
    result: list[dict[str, Any]] = await bot._post(  # private: see above
        "getUpdates",
        {"offset": offset, "timeout": POLL_TIMEOUT, "allowed_updates": list(Update.ALL_TYPES)},
        read_timeout=POLL_TIMEOUT + 5,
    )
    bodies = [json.dumps(data, separators=(",", ":"), ensure_ascii=False) for data in result]
    return list(zip(Update.de_list(result, bot), bodies, strict=True))


async def poll(intake: Intake, bot: Bot, stop: asyncio.Event) -> None:
    """Long polling until ``stop`` is set: fetch, store, hand over, and confirm by the next
    fetch's offset. Network trouble is waited out; nothing fetched is confirmed unstored."""
    offset = 0
    retry = RETRY_FIRST
    stopping = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            if not intake.has_room:
                await _first(intake.room(), stopping)
                if stop.is_set():
                    return
            fetch = asyncio.ensure_future(fetch_updates(bot, offset))
            try:
                await _first(fetch, stopping)
                if stop.is_set():
                    if fetch.done() and not fetch.cancelled():
                        fetch.exception()  # ended with the stop (the connection closed)
                    return
                fetched = fetch.result()
            except TimedOut:
                continue
            except RetryAfter as error:
                await _pause(error.retry_after, stopping)
                continue
            except InvalidToken:
                raise
            except TelegramError as error:
                log.warning("could not fetch updates (%s); trying again in %.0f s", error, retry)
                await _pause(retry, stopping)
                retry = min(retry * 2, RETRY_LONGEST)
                continue
            retry = RETRY_FIRST
            if fetched:
                if not await intake.receive(fetched):
                    await _first(intake.settled([u for u, _ in fetched]), stopping)
                    if stop.is_set():
                        return
                offset = fetched[-1][0].update_id + 1
            await _pause(POLL_INTERVAL, stopping)
    finally:
        stopping.cancel()


async def _first(work: Any, stopping: asyncio.Task[Any]) -> None:
    """Wait for ``work`` (a coroutine or future) or for the stop, whichever comes first."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:  # the stop, or this task cancelled itself: the work is not waited for
        if not task.done():
            task.cancel()
            # A fetch cut short may still end in an error (the connection closing): not news.
            task.add_done_callback(lambda done: done.cancelled() or done.exception())


async def _pause(seconds: float | timedelta, stopping: asyncio.Task[Any]) -> None:
    delay = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
    await asyncio.wait({stopping}, timeout=delay)
