"""The ``turnout`` command as an operator runs it: a real process, its exit code and its output."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    OWNER_ID,
    TOKEN,
    current_key,
    environment,
    free_port,
    open_store,
    started,
    text_of,
)
from turnout.sandbox.fakebot import FakeTelegram
from turnout.storage.purposes import CallCopy


def turnout(*arguments: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "turnout", *arguments],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("setting", "value"),
    [("RATE_LIMIT", "fast"), ("OWNER_IDS", "me"), ("TIMEZONE", "Moon/Base"), ("BOT_TOKEN", "")],
)
def test_a_bad_setting_stops_start_up_with_exit_code_2(setting: str, value: str) -> None:
    settings = {"bot_token": TOKEN, setting.lower(): value}
    result = turnout("run", env=environment(**settings))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"turnout: TURNOUT_{setting}: ")
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr


def test_check_config_prints_the_settings_masked() -> None:
    result = turnout("check-config", env=environment(bot_token=TOKEN, owner_ids="111,222"))
    assert result.returncode == 0, result.stderr
    shown = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}
    assert shown["TURNOUT_OWNER_IDS"] == ["111,222"]
    assert shown["TURNOUT_BOT_TOKEN"] == ["123456789:********"]
    assert TOKEN not in result.stdout


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "turnout.db"
    result = turnout("migrate", env=environment(database=str(database)))
    assert result.returncode == 0, result.stderr
    assert database.is_file()
    assert "schema version" in result.stdout


async def test_run_at_debug_never_logs_the_token(telegram: FakeTelegram, tmp_path: Path) -> None:
    """The whole life of the process: start, answer /start, stop on SIGTERM, all at DEBUG."""
    database = tmp_path / "data" / "turnout.db"
    env = environment(
        bot_token=TOKEN,
        owner_ids=str(OWNER_ID),
        database=str(database),
        api_base_url=telegram.base_url,
        api_file_url=telegram.base_file_url,
        log_level="DEBUG",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "turnout",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output = b""
    try:
        ana = telegram.add_user("Ana")
        greeting = await started_within(ana, seconds=30)
        assert text_of(greeting).startswith("Hello, Ana!")
        healthy = await asyncio.to_thread(turnout, "healthcheck", env=env)
        assert healthy.returncode == 0
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        output = stdout + stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = output.decode()
    assert process.returncode == 0, text
    tail = text[-3000:]
    assert "Calling Bot API endpoint" in text, "DEBUG logging was not on"
    assert "[REDACTED]" in text, tail
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    key = current_key()  # the encrypted run: the database key is as secret as the token
    assert key is None or key not in text
    # A clean stop: the last word of the runner (debug lines of closing clients may follow).
    assert "turnout.bot.runner: stopped" in text, tail


async def started_within(user: object, seconds: float) -> dict[str, object]:
    from turnout.sandbox.fakebot import FakeUser

    assert isinstance(user, FakeUser)
    await user.send("/start")
    return await user.reply(timeout=seconds)


def test_healthcheck_fails_when_the_bot_is_not_running(tmp_path: Path) -> None:
    result = turnout("healthcheck", env=environment(database=str(tmp_path / "turnout.db")))
    assert result.returncode == 1


__all__ = ["started"]


async def test_deliveries_shows_counts_and_last_errors(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    database = tmp_path / "turnout.db"
    store = await open_store(database)
    now = datetime.now(UTC)
    await store.enqueue_deliveries(CallCopy(7, "text"), [(1, "{}"), (2, "{}"), (3, "{}")], now, now)
    first, second = await store.claim_due_deliveries(now, limit=2)
    await store.mark_delivery_sent(first.id, [10], now)
    await store.mark_delivery_failed(second.id, "Forbidden: bot was blocked by the user", now)
    await store.close()
    result = await asyncio.to_thread(turnout, "deliveries", env=environment(database=str(database)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["purpose", "pending", "claimed", "sent", "failed", "skipped"]
    assert lines[1].split() == ["call:7:text", "1", "0", "1", "1", "0"]
    assert "call:7:text  chat 2: Forbidden: bot was blocked by the user" in result.stdout


REVOKED = "987654321:ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkkJJi"


def assert_never_shown(token: str, output: str) -> None:
    assert token not in output
    assert token.split(":")[1] not in output


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_a_rejected_token_stops_start_up_with_one_line(
    telegram: FakeTelegram, tmp_path: Path, level: str
) -> None:
    env = environment(
        bot_token=REVOKED,
        database=str(tmp_path / "turnout.db"),
        api_base_url=telegram.base_url,
        api_file_url=telegram.base_file_url,
        log_level=level,
    )
    result = await asyncio.to_thread(turnout, "run", env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("turnout: TURNOUT_BOT_TOKEN: "), result.stderr
    assert "rejected the token 987654321:********; check it with @BotFather" in lines[-1]
    assert_never_shown(REVOKED, result.stderr)
    if level == "INFO":
        assert len(lines) == 1, result.stderr
        assert "Traceback" not in result.stderr
    else:  # the traceback is there for whoever asks for it, with the token redacted
        assert "Traceback" in result.stderr
        assert "[REDACTED]" in result.stderr


def test_an_unreachable_telegram_stops_start_up_with_one_line(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/bot"  # a closed port: the connection is refused
    env = environment(bot_token=TOKEN, database=str(tmp_path / "turnout.db"), api_base_url=nowhere)
    result = turnout("run", env=env)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"turnout: cannot reach {nowhere} ("), lines[0]
    assert lines[0].endswith("; check the network or TURNOUT_API_BASE_URL")
    assert "Traceback" not in result.stderr
    assert_never_shown(TOKEN, result.stderr)


def test_every_bad_setting_is_reported_on_its_own_line() -> None:
    env = environment(bot_token=TOKEN, rate_limit="fast", timezone="Moon/Base")
    for command in ("run", "check-config"):
        result = turnout(command, env=env)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert [line.split(": ")[1] for line in lines] == [
            "TURNOUT_TIMEZONE",
            "TURNOUT_RATE_LIMIT",
        ], result.stderr
        assert all(line.startswith("turnout: ") for line in lines)
        assert "Traceback" not in result.stderr
        assert_never_shown(TOKEN, result.stderr)


def test_a_misspelled_setting_is_warned_about_with_the_closest_name() -> None:
    env = environment(bot_token=TOKEN) | {"TURNOUT_OWNER_ID": "111"}
    result = turnout("check-config", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "turnout: warning: TURNOUT_OWNER_ID (in the environment) is not a setting and is "
        "ignored; did you mean TURNOUT_OWNER_IDS?"
    ]
    shown = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}
    assert shown["TURNOUT_OWNER_IDS"] == []  # what the typo left: no owner


def test_run_warns_about_a_misspelled_setting_before_it_stops() -> None:
    """The token under a wrong name: the warning says which, and the value is never shown."""
    env = environment() | {"TURNOUT_BOT_TOKN": TOKEN}
    result = turnout("run", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "turnout: warning: TURNOUT_BOT_TOKN (in the environment) is not a setting and is "
        "ignored; did you mean TURNOUT_BOT_TOKEN?",
        "turnout: TURNOUT_BOT_TOKEN: missing (the token @BotFather gave you)",
    ]
    assert_never_shown(TOKEN, result.stderr)
