"""Starting and restarting the sandbox: one sandbox per database, and the skipped clock kept."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from turnout.sandbox.clock import MAX_OFFSET, SandboxClock, clock_path, load_offset, save_offset
from turnout.sandbox.runner import Sandbox, SandboxOptions
from turnout.storage.lock import DatabaseInUse

STOP_WAIT = 30.0


async def turnout(*arguments: str) -> asyncio.subprocess.Process:
    """``turnout …`` in a process of its own, as a person starts it in a terminal."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "turnout",
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def skip(sandbox: Sandbox, minutes: int) -> int:
    async with (
        aiohttp.ClientSession(base_url=sandbox.url) as http,
        http.post("/api/skip", json={"minutes": minutes}) as response,
    ):
        return response.status


# --- one sandbox per database ----------------------------------------------------------------


async def test_a_second_sandbox_on_the_same_database_is_refused_with_one_line(
    sandbox: Sandbox,
) -> None:
    database = sandbox.options.database
    # Even --reset, which would delete the database under the first one.
    second = await turnout("sandbox", "--port", "0", "--database", str(database), "--reset")
    async with asyncio.timeout(STOP_WAIT):
        out, err = await second.communicate()
    assert second.returncode == 1
    assert err.decode().splitlines() == [
        f"turnout: sandbox: another sandbox is using {database} (pid {os.getpid()}); "
        "stop it, or give this one another --database"
    ]
    assert out == b""
    assert database.exists()
    # The first one goes on, its demo untouched.
    assert sandbox.application is not None
    store = sandbox.application.bot_data.services.store
    assert len(await store.upcoming_actions(sandbox.clock.now(), 5)) == 1


async def test_the_database_is_free_again_once_the_sandbox_stops(tmp_path: Path) -> None:
    options = SandboxOptions(port=0, database=tmp_path / "sandbox.db")
    async with Sandbox(options):
        with pytest.raises(DatabaseInUse, match="another sandbox is using"):
            await Sandbox(options).start()
        # Another database is another sandbox's business.
        async with Sandbox(SandboxOptions(port=0, database=tmp_path / "other.db")):
            pass
    async with Sandbox(options) as again:
        assert again.application is not None


# --- the clock across a restart ----------------------------------------------------------------


async def test_a_restart_resumes_the_skipped_clock_and_reset_forgets_it(tmp_path: Path) -> None:
    options = SandboxOptions(port=0, database=tmp_path / "sandbox.db")
    async with Sandbox(options) as first:
        assert await skip(first, 90) == 200
        assert await skip(first, 24 * 60) == 200
    async with Sandbox(options) as second:
        assert second.clock.offset == timedelta(days=1, minutes=90)
        async with (
            aiohttp.ClientSession(base_url=second.url) as http,
            http.get("/api/state") as response,
        ):
            assert (await response.json())["clock"]["offset_minutes"] == 24 * 60 + 90
    async with Sandbox(SandboxOptions(port=0, database=options.database, reset=True)) as third:
        assert third.clock.offset == timedelta(0)
    assert not clock_path(options.database).exists()


async def test_a_new_demo_starts_at_the_real_time_whatever_an_old_file_says(
    tmp_path: Path,
) -> None:
    database = tmp_path / "sandbox.db"
    save_offset(clock_path(database), timedelta(days=3))  # left by a database since deleted
    async with Sandbox(SandboxOptions(port=0, database=database)) as sandbox:
        assert sandbox.clock.offset == timedelta(0)
    async with Sandbox(SandboxOptions(port=0, database=database)) as sandbox:
        assert sandbox.clock.offset == timedelta(0)


async def test_the_start_up_line_says_the_clock_is_ahead(tmp_path: Path) -> None:
    database = tmp_path / "sandbox.db"
    async with Sandbox(SandboxOptions(port=0, database=database)) as first:
        assert await skip(first, 120) == 200
    started = await turnout("sandbox", "--port", "0", "--database", str(database))
    assert started.stdout is not None
    try:
        async with asyncio.timeout(STOP_WAIT):
            opened = (await started.stdout.readline()).decode()
            ahead = (await started.stdout.readline()).decode()
    finally:
        started.send_signal(signal.SIGINT)
        async with asyncio.timeout(STOP_WAIT):
            await started.communicate()
    assert opened.startswith("Turnout sandbox: open http://127.0.0.1:")
    assert ahead == (
        "Its clock is 2 h ahead, as the last run left it "
        "(--reset starts again from the demo, at the real time)\n"
    )
    assert started.returncode == 0


def test_the_saved_offset_is_read_back_and_nonsense_is_not(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sandbox.db.clock.json"
    assert load_offset(path) == timedelta(0)
    save_offset(path, timedelta(hours=26, minutes=15))
    assert load_offset(path) == timedelta(hours=26, minutes=15)
    for nonsense in ("{", "[]", '{"offset_seconds": -60}', '{"offset_seconds": "1h"}'):
        path.write_text(nonsense)
        assert load_offset(path) == timedelta(0), nonsense
    path.write_text(json.dumps({"offset_seconds": (MAX_OFFSET * 2).total_seconds()}))
    assert load_offset(path) == timedelta(0)
    assert "the clock starts at the real time" in caplog.text


def test_the_clock_goes_only_so_far_ahead() -> None:
    clock = SandboxClock(MAX_OFFSET - timedelta(minutes=5))
    with pytest.raises(ValueError, match="at most 365 days ahead"):
        clock.skip(timedelta(minutes=6))
    clock.skip(timedelta(minutes=5))
    assert clock.offset == MAX_OFFSET


async def test_the_real_bots_key_and_backups_stay_out_of_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator's .env with a database key and a backup folder: ``make sandbox`` opens its
    own demo database without the key, and backs nothing up into the real folder."""
    backups = tmp_path / "backups"
    monkeypatch.setenv("TURNOUT_DATABASE_KEY", "the real bot's database key")
    monkeypatch.setenv("TURNOUT_BACKUP_DIR", str(backups))
    database = tmp_path / "sandbox.db"
    async with Sandbox(SandboxOptions(port=0, database=database)) as sandbox:
        assert sandbox.settings is not None
        assert sandbox.settings.key() is None and sandbox.settings.backup_dir is None
    assert database.read_bytes().startswith(b"SQLite format 3\x00")
    assert not backups.exists()
