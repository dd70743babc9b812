"""The face worker's queue (README, "Faces"): bounded, a busy answer for a person rather than a
long wait, a wait for an export, and a worker that dies replaced for the next job."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import pytest

from turnout.faces import Busy, WorkerFailed
from turnout.faces.pool import FacePool

# How long a job may wait for the test to let it go: a bound, never the expected time.
BOUND = 120.0


def doubled(number: int) -> int:
    return number * 2


def held_until(gate: str, number: int) -> int:
    """A job that runs until the test creates ``gate`` (the file)."""
    until = time.monotonic() + BOUND
    while not Path(gate).exists() and time.monotonic() < until:
        time.sleep(0.01)
    return number


def dies() -> int:
    os._exit(3)


@pytest.fixture
async def pool() -> object:
    made = FacePool(queue=2)
    yield made
    made.close()


async def test_a_full_queue_says_busy_to_a_person_and_lets_an_export_wait(
    pool: FacePool, tmp_path: Path
) -> None:
    gate = str(tmp_path / "go")
    first = asyncio.create_task(pool.run(partial(held_until, gate, 1), deadline=BOUND, wait=False))
    second = asyncio.create_task(pool.run(partial(held_until, gate, 2), deadline=BOUND, wait=False))
    await asyncio.sleep(0)  # both take their places
    with pytest.raises(Busy):
        await pool.run(partial(doubled, 3), deadline=BOUND, wait=False)
    waiting = asyncio.create_task(pool.run(partial(doubled, 4), deadline=BOUND, wait=True))
    await asyncio.sleep(0)
    assert not waiting.done()
    Path(gate).touch()
    assert await asyncio.wait_for(asyncio.gather(first, second, waiting), BOUND) == [1, 2, 8]
    # Places are given back: the queue takes jobs again.
    assert await pool.run(partial(doubled, 5), deadline=BOUND, wait=False) == 10


async def test_a_waiter_that_gives_up_passes_its_turn_on(pool: FacePool, tmp_path: Path) -> None:
    gate = str(tmp_path / "go")
    holders = [
        asyncio.create_task(pool.run(partial(held_until, gate, n), deadline=BOUND, wait=True))
        for n in (1, 2)
    ]
    await asyncio.sleep(0)
    impatient = asyncio.create_task(pool.run(partial(doubled, 1), deadline=BOUND, wait=True))
    patient = asyncio.create_task(pool.run(partial(doubled, 2), deadline=BOUND, wait=True))
    await asyncio.sleep(0)
    impatient.cancel()
    Path(gate).touch()
    assert await asyncio.wait_for(patient, BOUND) == 4
    await asyncio.gather(*holders)
    assert await pool.run(partial(doubled, 3), deadline=BOUND, wait=False) == 6


async def test_a_worker_that_dies_fails_its_job_and_is_replaced(pool: FacePool) -> None:
    with pytest.raises(WorkerFailed):
        await pool.run(dies, deadline=BOUND, wait=True)
    assert await pool.run(partial(doubled, 21), deadline=BOUND, wait=True) == 42


def leaves_a_file_and_dies(note: str) -> int:
    """Writes where the worker's temporary files go, says where, and dies (an OOM kill)."""
    with tempfile.NamedTemporaryFile(delete=False, suffix=".mp4") as left:
        left.write(b"a member's video")
    Path(note).write_text(left.name)
    os._exit(9)


async def test_what_a_dead_worker_left_behind_is_removed(pool: FacePool, tmp_path: Path) -> None:
    note = tmp_path / "where"
    with pytest.raises(WorkerFailed):
        await pool.run(partial(leaves_a_file_and_dies, str(note)), deadline=BOUND, wait=True)
    left = Path(note.read_text())
    assert left.name.endswith(".mp4")
    assert not left.exists() and not left.parent.exists()


PARENT = """
import asyncio, os, sys
from turnout.faces.pool import FacePool

async def main():
    pool = FacePool()
    print(await pool.run(os.getpid, deadline=60, wait=True), flush=True)
    await asyncio.sleep(3600)  # until killed

asyncio.run(main())
"""


def test_the_worker_goes_when_the_bot_is_killed_outright() -> None:
    bot = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        worker = int(bot.stdout.readline())
        os.kill(worker, 0)  # alive, with the model loaded
    finally:
        bot.kill()
        bot.wait()
    until = time.monotonic() + BOUND
    while time.monotonic() < until:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"the worker {worker} outlived its bot")
