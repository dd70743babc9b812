"""The outbox: every message to more than one chat is written down first, then sent from here.

One dispatcher task claims due rows in small batches and sends them concurrently, at most
``max_in_flight`` at a time, paced under Telegram's limits. A row is marked ``sent`` (with the
message id) as soon as Telegram answers, so a crash can only repeat the rows in flight at that
moment; rows a dead process left ``claimed`` are put back in the queue at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import warnings
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from turnout.delivery.errors import BadPayload
from turnout.delivery.pacing import Pacer, backoff
from turnout.delivery.payload import Payload
from turnout.delivery.send import send_payload
from turnout.storage import Delivery, DeliveryCounts, OutOfSpace, StorageError, Store
from turnout.storage.purposes import Pinning, Purpose

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: A network error or 5xx is tried this many times in all before the row is marked failed.
MAX_ATTEMPTS = 5
#: Seconds one send may take before it counts as a network error (and is retried).
SEND_TIMEOUT = 10.0
#: How long ``stop`` waits for the sends under way before leaving them to the next start.
STOP_GRACE = 10.0
#: How long the dispatcher waits before claiming again when the disk is full.
FULL_DISK_PAUSE = 5.0


class Outbox:
    """Persistent, rate-limited fan-out. ``start`` it once, ``enqueue`` from anywhere."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        *,
        rate: float,
        max_in_flight: int,
        clock: Clock,
        send_timeout: float = SEND_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.store = store
        self.bot = bot
        self.max_in_flight = max_in_flight
        self.send_timeout = send_timeout
        self.max_attempts = max_attempts
        self._clock = clock
        self._pacer = Pacer(rate)
        self._wake = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        released = await self.store.release_claimed_deliveries(self._clock())
        if released:
            log.warning(
                "outbox: %d deliveries left claimed by a stopped process are queued again", released
            )
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        """Stop claiming; give the sends under way a moment to finish and be recorded."""
        if self._runner is None:
            return
        self._stopping = True
        self._wake.set()
        self._slot_freed.set()  # the dispatcher may be waiting for a slot rather than for work
        await self._runner
        self._runner = None
        if self._sending:
            _, late = await asyncio.wait(self._sending, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        log.info("outbox stopped")

    # -- the API features use --------------------------------------------------------------

    async def enqueue(
        self,
        purpose: Purpose,
        messages: Iterable[tuple[int, Payload]],
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        """Queue one message per chat for ``purpose``; return how many rows are new.

        Idempotent: a chat that already has a row for this purpose is left alone. A row still
        unsent at ``expires_at`` is skipped rather than sent late.
        """
        now = self._clock()
        rows = [(chat_id, payload.to_json()) for chat_id, payload in messages]
        added = await self.store.enqueue_deliveries(purpose, rows, due_at or now, now, expires_at)
        self._wake.set()
        return added

    def wake(self) -> None:
        """Rows were queued by other means (a store transaction): look at the queue now."""
        self._wake.set()

    async def progress(self, purpose: Purpose) -> DeliveryCounts:
        counts = await self.store.delivery_counts(purpose)
        return counts[0] if counts else DeliveryCounts(purpose.key)

    # -- the dispatcher --------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._dispatch_once()
            except OutOfSpace:
                # Claiming is a write: nothing can be sent (and recorded) until there is space.
                # The store has said so in the log; look again in a while.
                await self._sleep(FULL_DISK_PAUSE)
            except Exception:
                # The database is busy or failing (or a bug): keep the task alive, try again.
                log.exception("outbox: the dispatcher failed; trying again in a second")
                await self._sleep(1.0)

    async def _dispatch_once(self) -> None:
        free = self.max_in_flight - len(self._sending)
        if free <= 0:
            self._slot_freed.clear()
            await self._wait_for(self._slot_freed, None)
            return
        self._wake.clear()
        claimed = await self.store.claim_due_deliveries(self._clock(), free)
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery), name=f"delivery-{delivery.id}")
            self._sending.add(task)
            task.add_done_callback(self._finished)
        if len(claimed) == free:
            return  # there may be more due: claim again as soon as a slot frees
        next_due = await self.store.next_delivery_due()
        if next_due is None:
            await self._wait_for(self._wake, None)
        else:
            delay = (next_due - self._clock()).total_seconds()
            # Rows due now but not claimable (all slots busy) wait for a slot instead.
            await self._wait_for(self._wake, max(delay, 0.05))

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._slot_freed.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox: a send task failed", exc_info=task.exception())

    async def _wait_for(self, event: asyncio.Event, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    async def _sleep(self, seconds: float) -> None:
        await self._wait_for(self._wake, seconds)

    # -- one row ---------------------------------------------------------------------------

    async def _deliver(self, delivery: Delivery) -> None:
        """Send one row; whatever happens, the row does not stay claimed while we run."""
        try:
            await self._attempt(delivery)
        except Exception:  # a bug, or a database failing: record it, keep the dispatcher going
            log.exception("outbox: delivery %d failed unexpectedly", delivery.id)
            await self._record(
                self.store.mark_delivery_failed,
                delivery.id,
                "unexpected error (see the log)",
                self._clock(),
            )

    async def _record(self, write: Callable[..., Awaitable[None]], *args: object) -> None:
        """A bookkeeping write, tried again a few times if the database is busy."""
        for pause in (0.5, 1.0, 2.0, None):
            try:
                await write(*args)
                return
            except StorageError:
                if pause is None:
                    log.exception("outbox: could not record a delivery; it waits for a restart")
                    return
                await asyncio.sleep(pause)

    async def _attempt(self, delivery: Delivery) -> None:
        store, now = self.store, self._clock
        try:
            payload = Payload.from_json(delivery.payload)
        except BadPayload as error:
            await store.mark_delivery_failed(delivery.id, str(error), now())
            return
        # A chat still in its cool-down goes back to the queue instead of holding a slot.
        wait = self._pacer.chat_free_at(delivery.chat_id) - time.monotonic()
        if wait > 0:
            # Due times are kept to the second: round up, or the row would be due again at once.
            due = now() + timedelta(seconds=math.ceil(wait) + 1)
            await store.retry_delivery(delivery.id, due, None, now(), count_attempt=False)
            self._wake.set()
            return
        slot = self._pacer.reserve(delivery.chat_id)
        # A 429 elsewhere may extend the wait while this send sleeps: check again after waking.
        while (delay := self._pacer.wait_time(slot)) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)
        try:
            message_ids = await send_payload(self.bot, delivery.chat_id, payload, self.send_timeout)
        except RetryAfter as error:
            seconds = _retry_after(error)
            self._pacer.pause(seconds)
            log.warning("outbox: Telegram asked to wait %.0f s; all sending paused", seconds)
            await store.retry_delivery(delivery.id, now(), str(error), now(), count_attempt=False)
        except Forbidden as error:
            await store.mark_recipient_unreachable(
                delivery.id, delivery.chat_id, f"Forbidden: {error.message}", now()
            )
        except BadRequest as error:
            await store.mark_delivery_failed(delivery.id, f"Bad Request: {error.message}", now())
        except NetworkError as error:  # timeouts and 5xx too
            await self._retry_or_fail(delivery, f"{type(error).__name__}: {error.message}")
        except TelegramError as error:
            await store.mark_delivery_failed(
                delivery.id, f"{type(error).__name__}: {error.message}", now()
            )
        except BadPayload as error:
            await store.mark_delivery_failed(delivery.id, str(error), now())
        else:
            # Recorded at once: after a crash only what is in flight right now can repeat.
            await self._record(
                store.mark_delivery_sent,
                delivery.id,
                message_ids,
                now(),
                _pin(delivery, payload, message_ids),
            )
            if payload.pin:
                self._wake.set()
            return
        self._wake.set()

    async def _retry_or_fail(self, delivery: Delivery, error: str) -> None:
        now = self._clock()
        if delivery.attempts >= self.max_attempts:
            await self.store.mark_delivery_failed(
                delivery.id, f"{error} (gave up after {delivery.attempts} tries)", now
            )
            return
        due = now + timedelta(seconds=backoff(delivery.attempts))
        await self.store.retry_delivery(delivery.id, due, error, now)


def _pin(
    delivery: Delivery, payload: Payload, message_ids: list[int]
) -> tuple[Purpose, int, str, datetime | None] | None:
    """The row that pins what ``delivery`` sent, when its payload asks for it (and no later
    than the message itself would have been sent)."""
    if not payload.pin or not message_ids:
        return None
    pin = Payload(pin_of=message_ids[0])
    return Pinning(delivery.purpose), delivery.chat_id, pin.to_json(), delivery.expires_at


def _retry_after(error: RetryAfter) -> float:
    """Seconds Telegram asked to wait (an int or a timedelta, depending on PTB's setting)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
