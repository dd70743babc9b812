"""The outbox: every message to more than one chat is written down first, then sent from here.

One dispatcher task claims due rows in batches and sends them concurrently, at most
``max_in_flight`` at a time, paced under Telegram's limits (``pacing.py``). What became of each
row is written in batches too, one transaction for all the answers that came in meanwhile; a
row counts as in flight until its answer is written, so a crash can only repeat the rows in
flight at that moment (at most ``max_in_flight``), and rows a dead process left ``claimed`` are
put back in the queue at start-up.

The sends themselves are prepared JSON (``wire.py``) posted over the outbox's own connection
(``transport.py``): a broadcast at Telegram's paid ceiling, 1,000 messages a second, must cost
this process less than python-telegram-bot's objects would (README, "Benchmarks").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from telegram import Bot

from turnout.delivery.errors import (
    BadPayload,
    Blocked,
    Rejected,
    TelegramAnswer,
    Throttled,
    Unavailable,
)
from turnout.delivery.pacing import Pacer, backoff
from turnout.delivery.payload import Payload
from turnout.delivery.stars import messages_for
from turnout.delivery.transport import Transport
from turnout.delivery.wire import Plan, Plans, message_ids
from turnout.storage import (
    Delivery,
    DeliveryCounts,
    Failed,
    FollowUp,
    Outcome,
    OutOfSpace,
    Retry,
    Sent,
    StorageError,
    Store,
    Unreachable,
)
from turnout.storage.purposes import Pinning, Purpose

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: Told which purposes' paid copies now go at the free rate: the bot's Stars ran out.
StarsExhausted = Callable[[list[str]], Awaitable[None]]

#: A network error or 5xx is tried this many times in all before the row is marked failed.
MAX_ATTEMPTS = 5
#: Seconds one send may take before it counts as a network error (and is retried).
SEND_TIMEOUT = 10.0
#: How long ``stop`` waits for the sends under way before leaving them to the next start.
STOP_GRACE = 10.0
#: How long the dispatcher waits before claiming again when the disk is full.
FULL_DISK_PAUSE = 5.0
#: How long the writer lets answers gather before writing them: at 1,000 messages a second
#: that is some twenty answers to a transaction instead of one or two.
WRITE_GATHER = 0.02
#: Paid copies refused in a row, with Stars left, before the paid lane closes for a while.
PAID_REFUSALS = 10
#: How long it stays closed then, in seconds.
REFUSED_PAUSE = 600.0
#: Seconds before the Stars balance is read again once it was found empty (or unreadable).
BALANCE_RECHECK = 30.0


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
        paid_rate: float | None = None,
        free_in_flight: int | None = None,
        send_timeout: float = SEND_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.store = store
        self.max_in_flight = max_in_flight
        # Rows that may not pay go in the free lane only: as many of them under way as at the
        # free rate alone, or a paid rate's 200 slots would book the free lane 8 s ahead, and
        # an urgent alert would wait behind them.
        self.free_in_flight = min(max_in_flight, free_in_flight or max_in_flight)
        self._free_only: set[asyncio.Task[None]] = set()
        self._waiting: set[asyncio.Task[None]] = set()
        self.send_timeout = send_timeout
        self.max_attempts = max_attempts
        self._clock = clock
        self._pacer = Pacer(rate, paid_rate=paid_rate)
        # Claiming one row per freed slot would be a transaction per message: wait for a few.
        self._claim_batch = max(1, max_in_flight // 4)
        self._transport = Transport(
            bot.base_url, timeout=send_timeout, connections=max_in_flight + 4
        )
        self._plans = Plans()
        self._stars = _Stars(self._transport)
        self._wake = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False
        self._closing = False
        """Every send has ended: the writer writes what is left and ends."""
        self._answers: list[tuple[Outcome, asyncio.Future[None]]] = []
        self._answered = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self.on_stars_exhausted: StarsExhausted | None = None
        """Called (once per running out) with the purposes whose rows still waiting now go at
        the free rate, so that their senders are told; set by the application."""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        released = await self.store.release_claimed_deliveries(self._clock())
        if released:
            log.warning(
                "outbox: %d deliveries left claimed by a stopped process are queued again", released
            )
        await self._transport.open()
        self._stopping = self._closing = False
        self._writer = asyncio.create_task(self._write_answers(), name="outbox-answers")
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
        for task in self._waiting:
            task.cancel()  # not sent yet: back to the queue now rather than in 10 s
        if self._sending:
            _, late = await asyncio.wait(self._sending, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self._writer is not None:
            # Only now: until every send has its answer, the writer must go on writing them.
            self._closing = True
            self._answered.set()
            await self._writer
            self._writer = None
        await self._transport.close()
        log.info("outbox stopped")

    # -- the API features use --------------------------------------------------------------

    async def enqueue(
        self,
        purpose: Purpose,
        messages: Iterable[tuple[int, Payload]],
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        *,
        paid: bool = False,
    ) -> int:
        """Queue one message per chat for ``purpose``; return how many rows are new.

        Idempotent: a chat that already has a row for this purpose is left alone. A row still
        unsent at ``expires_at`` is skipped rather than sent late. ``paid``: the sender agreed
        to pay, so copies may go above the free rate (only with a paid rate configured).
        """
        now = self._clock()
        rows = _encoded(messages)
        added = await self.store.enqueue_deliveries(
            purpose, rows, due_at or now, now, expires_at, may_pay=paid
        )
        self._wake.set()
        return added

    async def star_balance(self) -> float | None:
        """The bot's Stars, asked of Telegram now; None when it does not answer."""
        try:
            return await self._transport.star_balance()
        except TelegramAnswer as error:
            log.warning("the bot's Stars balance could not be read: %s", error.description)
            return None

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
        if free <= 0 or (free < self._claim_batch and self._sending):
            self._slot_freed.clear()
            await self._wait_for(self._slot_freed, None)
            return
        self._wake.clear()
        free_only = self.free_in_flight - len(self._free_only)
        claimed = await self.store.claim_due_deliveries(
            self._clock(), free, free_only=max(0, free_only)
        )
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery), name=f"delivery-{delivery.id}")
            self._sending.add(task)
            if not (delivery.may_pay and self._pacer.pays):
                self._free_only.add(task)
            task.add_done_callback(self._finished)
        if len(claimed) == free:
            return  # there may be more due: claim again as soon as slots free
        if not claimed and free_only <= 0:
            # What is due may not pay, and the free lane is full: wait for one of its slots.
            self._slot_freed.clear()
            await self._wait_for(self._slot_freed, None)
            return
        next_due = await self.store.next_delivery_due()
        if next_due is None:
            await self._wait_for(self._wake, None)
        else:
            delay = (next_due - self._clock()).total_seconds()
            # Rows due now but not claimable (all slots busy) wait for a slot instead.
            await self._wait_for(self._wake, max(delay, 0.05))

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._free_only.discard(task)
        self._waiting.discard(task)
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
        """Send one row and wait until its answer is written: until then it is in flight."""
        try:
            outcome = await self._attempt(delivery)
        except Exception:  # a bug: record it, keep the dispatcher going
            log.exception("outbox: delivery %d failed unexpectedly", delivery.id)
            outcome = Failed(delivery.id, "unexpected error (see the log)")
        await self._answer(outcome)
        if isinstance(outcome, Retry) or (isinstance(outcome, Sent) and outcome.follow_up):
            self._wake.set()  # back in the queue, or a pin queued: look again

    async def _attempt(self, delivery: Delivery) -> Outcome:
        now = self._clock
        try:
            plan = self._plans.get(delivery.payload, paid=False)
        except BadPayload as error:
            return Failed(delivery.id, str(error))
        may_pay = delivery.may_pay and self._pacer.pays and await self._may_pay()
        # A chat still in its cool-down goes back to the queue instead of holding a slot. Checked
        # after the wait for the balance, and booked with no wait in between: two rows for one
        # chat (a call's album and its text) must not both pass.
        wait = self._pacer.chat_free_at(delivery.chat_id) - time.monotonic()
        if wait > 0:
            # Due times are kept to the second: round up, or the row would be due again at once.
            due = now() + timedelta(seconds=math.ceil(wait) + 1)
            return Retry(delivery.id, due, None, count_attempt=False)
        slot, paid = self._pacer.reserve_lane(delivery.chat_id, may_pay=may_pay)
        reading = self._stars.readings
        if paid:
            plan = self._plans.get(delivery.payload, paid=True)
            self._stars.spend(plan.messages)
        task = asyncio.current_task()
        try:
            if task is not None:
                self._waiting.add(task)
            # A 429 elsewhere may extend the wait while this sleeps: check again after waking.
            while (delay := self._pacer.wait_time(slot)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # ``stop`` cancelled a send that had not gone: back to the queue, untried.
            if paid:
                self._stars.answered(plan.messages)
            return Retry(delivery.id, now(), None, count_attempt=False)
        finally:
            if task is not None:
                self._waiting.discard(task)
        try:
            ids = await self._send(delivery.chat_id, plan, paid=paid)
            if paid:
                self._stars.refusals = 0
        except Rejected as error:
            if not paid:
                return Failed(delivery.id, error.description)
            # Refused while paid: most likely for want of Stars, whatever Telegram's words. It
            # goes again, free (a refusal for its content will come again, and fail it then);
            # the balance is read to know whether the paid lane is over for everyone.
            await self._after_refusal(reading, error.description)
            return Retry(delivery.id, now(), error.description, count_attempt=False, free=True)
        except Throttled as error:
            self._pacer.pause(error.retry_after)
            log.warning(
                "outbox: Telegram asked to wait %.0f s; all sending paused", error.retry_after
            )
            return Retry(delivery.id, now(), error.description, count_attempt=False)
        except Blocked as error:
            return Unreachable(delivery.id, delivery.chat_id, error.description)
        except Unavailable as error:
            return self._retry_or_fail(delivery, error.description)
        return Sent(
            delivery.id, tuple(ids), plan.messages if paid else 0, _pin(delivery, plan, ids)
        )

    async def _send(self, chat_id: int, plan: Plan, *, paid: bool) -> list[int]:
        result: object = None
        try:
            for call in plan.calls:
                try:
                    result = await self._transport.post(call.method, call.body(chat_id))
                except Rejected as error:
                    if call.tolerate is None or call.tolerate not in error.description.lower():
                        raise
        finally:
            if paid:
                self._stars.answered(plan.messages)
        return list(plan.fixed_ids) if plan.fixed_ids is not None else message_ids(result)

    def _retry_or_fail(self, delivery: Delivery, error: str) -> Outcome:
        if delivery.attempts >= self.max_attempts:
            return Failed(delivery.id, f"{error} (gave up after {delivery.attempts} tries)")
        due = self._clock() + timedelta(seconds=backoff(delivery.attempts))
        return Retry(delivery.id, due, error)

    # -- the Stars of paid broadcasts ------------------------------------------------------

    async def _may_pay(self) -> bool:
        """Whether the balance still pays for a copy (read from Telegram when not known). Any
        fault here means "not now": the copy goes free rather than not at all."""
        try:
            # While another send reads the balance, wait for its figure rather than guess.
            if self._stars.needs_reading() or self._stars.lock.locked():
                async with self._stars.lock:
                    if self._stars.needs_reading() and await self._stars.read() == 0:
                        await self._exhausted()
        except Exception:
            log.exception("outbox: the Stars balance could not be checked; sending free")
            return False
        return self._stars.left > 0 and not self._stars.refused()

    async def _after_refusal(self, reading: int, description: str) -> None:
        """A paid copy was refused: read the balance again, unless it was read since that
        copy was booked (``reading``: the readings made by then); empty, the paid lane ends.
        Refused again and again with Stars left (Telegram does not let this bot pay, say),
        it ends too, for a while: every copy would otherwise be sent twice."""
        try:
            async with self._stars.lock:
                if self._stars.readings == reading and await self._stars.read() == 0:
                    await self._exhausted()
                    return
                self._stars.refusals += 1
                if self._stars.refusals == PAID_REFUSALS:
                    log.warning(
                        "outbox: Telegram refused %d paid copies in a row with Stars left (%s); "
                        "paid broadcasts go on at the free rate for %.0f minutes",
                        PAID_REFUSALS, description, REFUSED_PAUSE / 60,
                    )  # fmt: skip
                    self._stars.refused_until = time.monotonic() + REFUSED_PAUSE
                    await self._exhausted()
        except Exception:
            log.exception("outbox: after a refused paid copy, the balance could not be checked")

    async def _exhausted(self) -> None:
        """Every row waiting to go paid now goes free, and its sender is told."""
        self._stars.refusals = 0
        try:
            purposes = await self.store.stop_paying(self._clock())
        except StorageError:
            log.exception("outbox: could not turn the paid copies free; they are tried again")
            return
        if not purposes:
            return
        log.warning("outbox: the bot's Stars ran out; %s go on at the free rate", purposes)
        if self.on_stars_exhausted is not None:
            try:
                await self.on_stars_exhausted(purposes)
            except Exception:
                log.exception("outbox: telling the senders that the Stars ran out failed")

    # -- writing the answers ---------------------------------------------------------------

    async def _answer(self, outcome: Outcome) -> None:
        """Hand ``outcome`` to the writer and wait until it is in the database."""
        written = asyncio.get_running_loop().create_future()
        self._answers.append((outcome, written))
        self._answered.set()
        await written

    async def _write_answers(self) -> None:
        """Write every answer that came in since the last write, in one transaction."""
        while True:
            await self._answered.wait()
            if not self._stopping:
                await asyncio.sleep(WRITE_GATHER)
            self._answered.clear()
            batch, self._answers = self._answers, []
            if batch:
                await self._write([outcome for outcome, _ in batch])
                for _, written in batch:
                    if not written.done():
                        written.set_result(None)
            if self._closing and not self._answers:
                return

    async def _write(self, outcomes: list[Outcome]) -> None:
        """A bookkeeping write, tried again a few times if the database is busy."""
        for pause in (0.5, 1.0, 2.0, None):
            try:
                await self.store.settle_deliveries(outcomes, self._clock())
                return
            except Exception:
                # The database is busy or failing: wait and try again. A row not written stays
                # claimed, and is queued again at the next start.
                if pause is None:
                    log.exception(
                        "outbox: could not record %d deliveries; they wait for a restart",
                        len(outcomes),
                    )
                    return
                await asyncio.sleep(pause)


class _Stars:
    """How many more paid copies the bot's balance covers, as far as the outbox knows: read
    from Telegram when first needed, counted down as copies go, read again when spent."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self.left = 0
        self._read_at: float | None = None
        self._spent_out = False
        self._unanswered = 0
        self.refusals = 0
        """Paid copies refused in a row although the balance had Stars."""
        self.refused_until = 0.0
        self.readings = 0
        """How many times the balance was read: a refusal after the latest reading asks again."""
        self.lock = asyncio.Lock()

    def needs_reading(self) -> bool:
        if self._read_at is None or self._spent_out:
            return True
        return self.left <= 0 and time.monotonic() - self._read_at > BALANCE_RECHECK

    def refused(self) -> bool:
        return time.monotonic() < self.refused_until

    def spend(self, messages: int) -> None:
        """A paid copy of ``messages`` messages is booked; Telegram charges them when it goes."""
        self.left -= messages
        self._unanswered += messages
        if self.left <= 0:
            self._spent_out = True  # counted out: Telegram's own figure decides

    def answered(self, messages: int) -> None:
        """A paid copy booked earlier was sent (and charged) or refused."""
        self._unanswered -= messages

    async def read(self) -> int | None:
        """Ask Telegram; the copies the balance covers, or None when it could not be read (no
        paid copies then until the next reading: the sender was told the balance is unknown)."""
        try:
            balance = await self._transport.star_balance()
        except TelegramAnswer as error:
            log.warning("outbox: could not read the bot's Stars balance: %s", error.description)
            self.left = 0
            return None
        finally:
            self._read_at, self._spent_out = time.monotonic(), False
            self.readings += 1
        # Copies booked but not yet sent will still be charged: the balance does not show them.
        self.left = max(0, messages_for(balance) - self._unanswered)
        return self.left


def _encoded(messages: Iterable[tuple[int, Payload]]) -> list[tuple[int, str]]:
    """The rows to store. A broadcast hands the same payload for thousands of chats: each is
    encoded once (kept with its JSON, so that its id cannot be reused by another meanwhile)."""
    seen: dict[int, tuple[Payload, str]] = {}
    rows = []
    for chat_id, payload in messages:
        known = seen.get(id(payload))
        if known is None:
            known = seen[id(payload)] = (payload, payload.to_json())
        rows.append((chat_id, known[1]))
    return rows


def _pin(delivery: Delivery, plan: Plan, message_ids: list[int]) -> FollowUp | None:
    """The row that pins what ``delivery`` sent, when its payload asks for it (and no later
    than the message itself would have been sent)."""
    if not plan.pin or not message_ids:
        return None
    return FollowUp(
        purpose=Pinning(delivery.purpose),
        chat_id=delivery.chat_id,
        payload=Payload(pin_of=message_ids[0]).to_json(),
        expires_at=delivery.expires_at,
    )
