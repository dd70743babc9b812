"""The worker that looks for faces: one process, the detector loaded in it once, fed through a
bounded queue (README, "Faces").

Why a process: detection is seconds of CPU for a picture, minutes for a video, and the bot's
event loop must go on answering meanwhile; in a process of its own, the detector's memory (about
200 MB with the model) is not the bot's, and a picture that crashes it takes only the worker
down. One worker, because the machine this runs on has two cores and the bot needs the other;
one job at a time also keeps memory to one picture's worth.

The queue holds at most ``QUEUE`` jobs, the one running included. A person who asks for more
(``wait=False``) is told the worker is busy at once, rather than left waiting behind minutes of
video; an export (``wait=True``) waits its turn, one item at a time.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from turnout.faces import detect
from turnout.faces.errors import Busy, FaceError, WorkerFailed
from turnout.scratch import new_scratch

log = logging.getLogger(__name__)

QUEUE = 4
"""Jobs the worker holds at once, running or waiting."""
JOBS_PER_WORKER = 200
"""Jobs before the worker is replaced by a new one, so that what the allocator keeps of many
pictures does not build up."""
SPARE = 120.0
"""Seconds past a job's own deadline before the worker is taken for stuck and killed."""

R = TypeVar("R")


class FacePool:
    """Runs jobs (picklable functions) in the face worker; the worker starts on the first."""

    def __init__(self, queue: int = QUEUE) -> None:
        self._size = queue
        self._held = 0
        self._waiting: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._scratch: dict[ProcessPoolExecutor, Path] = {}
        """Each worker's own temporary folder: removed with whatever a job left in it when the
        worker is stopped or dies (a member's video, a half covered copy)."""

    async def run(self, job: Callable[[], R], *, deadline: float, wait: bool) -> R:
        """``job()`` in the worker: a picklable call (a module's function, or a
        ``functools.partial`` of one). ``deadline``: the seconds it may take, its wait excluded.
        When the queue is full it raises Busy (``wait=False``) or waits for a place. Raises
        WorkerFailed when the worker dies or hangs; the job's own exceptions as they are."""
        await self._enter(wait)
        try:
            executor = self._started()
            try:
                future = executor.submit(job)
            except (BrokenProcessPool, RuntimeError):  # broken, or shut down meanwhile
                executor = self._restarted(executor)
                future = executor.submit(job)
            return await self._result(future, executor, deadline)
        finally:
            self._leave()

    async def _enter(self, wait: bool) -> None:
        """Take a place in the queue, waiting for one (``wait``) or raising Busy. Any event
        loop may ask (the pool is the process's; tests run one loop each)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._held < self._size:
                self._held += 1
                return
            if not wait:
                raise Busy()
            turn: asyncio.Future[None] = loop.create_future()
            self._waiting.append((loop, turn))
        try:
            await turn  # when it is done, the place was handed over
        except asyncio.CancelledError:
            with self._lock:
                handed = (loop, turn) not in self._waiting
                if not handed:
                    self._waiting.remove((loop, turn))
            if handed and turn.done() and not turn.cancelled():
                self._leave()
            raise

    def _leave(self) -> None:
        """Give the place up: to the first one waiting, else back to the queue."""
        with self._lock:
            while self._waiting:
                loop, turn = self._waiting.popleft()
                if not loop.is_closed():
                    loop.call_soon_threadsafe(self._hand, turn)
                    return
            self._held -= 1

    def _hand(self, turn: asyncio.Future[None]) -> None:
        if turn.done():  # given up meanwhile: to the next
            self._leave()
        else:
            turn.set_result(None)

    async def _result(self, future: Future[R], executor: ProcessPoolExecutor, deadline: float) -> R:
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), deadline + SPARE)
        except TimeoutError:
            log.error("the face worker took %.0f s past its job's deadline: restarting it", SPARE)
            self._restarted(executor, kill=True)
            raise WorkerFailed("the worker took too long") from None
        except BrokenProcessPool as error:
            log.error("the face worker died: %s", error)
            self._restarted(executor)
            raise WorkerFailed("the worker died") from error

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # Spawned, not forked: a fork would copy the bot (its event loop, its database
                # connection) into the worker.
                scratch = new_scratch("worker")
                self._executor = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start,
                    initargs=(str(scratch),),
                    max_tasks_per_child=JOBS_PER_WORKER,
                )
                self._scratch[self._executor] = scratch
            return self._executor

    def _restarted(self, broken: ProcessPoolExecutor, *, kill: bool = False) -> ProcessPoolExecutor:
        """A new worker in place of ``broken`` (unless another call replaced it already)."""
        with self._lock:
            if self._executor is broken:
                self._executor = None
            scratch = self._scratch.pop(broken, None)
        _stop(broken, kill=kill, scratch=scratch)
        return self._started()

    def close(self) -> None:
        """Stop the worker (it starts again if asked for more)."""
        with self._lock:
            executor, self._executor = self._executor, None
            scratch = None if executor is None else self._scratch.pop(executor, None)
        if executor is not None:
            _stop(executor, kill=False, scratch=scratch)


def _stop(executor: ProcessPoolExecutor, *, kill: bool, scratch: Path | None) -> None:
    if kill:
        # ProcessPoolExecutor cannot stop a running job; its processes can be.
        processes: dict[int, Any] = getattr(executor, "_processes", None) or {}
        for process in list(processes.values()):
            with contextlib.suppress(Exception):
                process.kill()
    # A dead or killed worker is waited for (at once); a live one finishes its job first.
    executor.shutdown(wait=True, cancel_futures=True)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def _start(scratch: str) -> None:
    """In the worker, first: its temporary files go to its own folder (``scratch``); then load
    the detector (about half a second), so that a broken model shows at once. A failure is
    logged here; each job then raises it (ModelMissing)."""
    tempfile.tempdir = scratch
    parent = multiprocessing.parent_process()
    if parent is not None:
        # The worker goes with the bot, even a bot killed outright: otherwise it would wait
        # for jobs forever (it holds its own queue's other end), with the model in memory.
        threading.Thread(target=_orphaned, args=(parent,), daemon=True).start()
    try:
        detect.warm()
    except FaceError as error:
        logging.getLogger(__name__).error("the face detector cannot load: %s", error)


def _orphaned(parent: Any) -> None:
    parent.join()  # returns when the parent process has ended
    os._exit(0)


_SHARED: FacePool | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> FacePool:
    """This process's face worker (one for the whole process, like the city index)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = FacePool()
            # Its worker and scratch folder go when the process ends normally (a killed
            # process's folder goes at the next start: ``turnout.scratch``).
            atexit.register(_SHARED.close)
        return _SHARED
