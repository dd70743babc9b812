"""The encrypted database and its backups, as an operator meets them: start-up with a key that
does not fit, ``turnout backup`` while the bot runs, ``turnout restore`` refused under a running
bot and working once it stopped, the daily backups, and ``age -d`` opening a backup.

Like every end-to-end test, these run on a plain and on an encrypted database (``database_key``).
"""

from __future__ import annotations

import asyncio
import os
import pty
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    KEY_VARIABLE,
    TOKEN,
    RunningBot,
    environment,
    eventually,
    start_turnout,
    started,
    text_of,
)
from tests.e2e.test_cli import turnout
from turnout.bot import backups
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import NewAction, cipher

PASSPHRASE = "a backup passphrase for the tests"


def secrets_in(database: Path, *secrets: str) -> list[str]:
    """Which of ``secrets`` can be read in the database's file or its write-ahead log."""
    data = b"".join(
        path.read_bytes() for path in (database, Path(f"{database}-wal")) if path.exists()
    )
    return [secret for secret in secrets if secret.encode() in data]


async def test_with_a_key_no_name_title_or_report_can_be_read_in_the_file(
    bot: RunningBot, telegram: FakeTelegram, database_key: str | None
) -> None:
    zorana = telegram.add_user("Zorana")
    await started(zorana)
    now = bot.clock()
    title = "Picket at the Sugar Factory"
    new = NewAction(title, "", now - timedelta(hours=1), "UTC", "Gate 3", None, None, None, ())
    await bot.services.store.create_action(new, 1, [], now)
    report = "Police kettled the north gate at noon"
    await zorana.send("/report")
    assert "Which action" in text_of(await zorana.reply())
    await zorana.press(title)
    await zorana.callback_answer()
    await zorana.reply()
    await zorana.send(report)
    await zorana.reply()
    await zorana.send("/done")
    await zorana.reply()
    await zorana.press("Submit")
    await zorana.callback_answer()
    assert "was received" in text_of(await zorana.reply())
    assert bot.rows("SELECT text FROM reports") == [(report,)]

    database = bot.db_path
    found = secrets_in(database, "Zorana", title, report)
    if database_key is None:
        # Without a key all of it is there to read: what the encrypted run must not show.
        assert database.read_bytes().startswith(cipher.SQLITE_HEADER)
        assert found, "the plain database should hold the member's name"
    else:
        assert not database.read_bytes().startswith(cipher.SQLITE_HEADER)
        assert found == []


def without_key(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name != KEY_VARIABLE}


def test_a_key_that_does_not_fit_stops_start_up_in_one_line(
    tmp_path: Path, database_key: str | None
) -> None:
    if database_key is None:
        pytest.skip("about the key: the encrypted run covers it")
    database = tmp_path / "turnout.db"
    created = turnout("migrate", env=environment(database=str(database)))
    assert created.returncode == 0, created.stderr
    before = database.read_bytes()
    cases = {
        "a wrong key": environment(
            bot_token=TOKEN, database=str(database), database_key="not the right key at all"
        ),
        "no key": without_key(environment(bot_token=TOKEN, database=str(database))),
    }
    for case, env in cases.items():
        result = turnout("run", env=env)
        assert result.returncode == 2, case
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (case, result.stderr)
        assert "Traceback" not in result.stderr
        assert "TURNOUT_DATABASE_KEY" in lines[0]
    assert database.read_bytes() == before  # nothing written, no empty database made
    # A key for a database that is not encrypted is refused the same way.
    plain = tmp_path / "plain.db"
    assert turnout("migrate", env=without_key(environment(database=str(plain)))).returncode == 0
    result = turnout("run", env=environment(bot_token=TOKEN, database=str(plain)))
    assert result.returncode == 2
    assert "not encrypted" in result.stderr and "turnout db encrypt" in result.stderr


async def test_backup_while_running_restore_only_once_stopped(
    telegram: FakeTelegram, tmp_path: Path, database_key: str | None
) -> None:
    database = tmp_path / "data" / "turnout.db"
    env = environment(
        bot_token=TOKEN,
        database=str(database),
        api_base_url=telegram.base_url,
        api_file_url=telegram.base_file_url,
        backup_passphrase=PASSPHRASE,
    )
    ana = telegram.add_user("Ana")
    ben = telegram.add_user("Ben")
    bot = await start_turnout(env)
    try:
        await started(ana)
        backup = tmp_path / "before-ben.age"
        made = await asyncio.to_thread(turnout, "backup", str(backup), env=env)
        assert made.returncode == 0, made.stderr
        assert backup.read_bytes().startswith(b"age-encryption.org/v1")
        await started(ben)
        # (The conversions need a key to be asked at all.)
        keyed = env | {KEY_VARIABLE: database_key or "a key to encrypt with"}
        for command in (["restore", str(backup)], ["db", "encrypt"], ["db", "decrypt"]):
            refused = await asyncio.to_thread(turnout, *command, env=keyed)
            assert refused.returncode != 0, command
            assert f"is using {database} (pid {bot.pid})" in refused.stderr, refused.stderr
        assert {ana.id, ben.id} <= set(member_ids(database))
    finally:
        bot.terminate()
        await bot.wait()
    restored = await asyncio.to_thread(turnout, "restore", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr
    # The database as it was when the backup was made: Ana, not yet Ben.
    ids = member_ids(database)
    assert ana.id in ids and ben.id not in ids
    # And the bot starts on it.
    again = await start_turnout(env)
    try:
        await ben.send("/start")
        assert await ben.reply()
    finally:
        again.terminate()
        await again.wait()


def member_ids(database: Path) -> list[int]:
    with cipher.connect(database, os.environ.get(KEY_VARIABLE)) as db:
        return [row[0] for row in db.execute("SELECT user_id FROM members")]


async def test_a_daily_backup_is_made_and_old_ones_rotate_out(
    telegram: FakeTelegram,
    make_settings: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    database_key: str | None,
) -> None:
    from tests.e2e.conftest import Clock, running

    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"turnout-2026010{day}-040000.age" for day in range(1, 4)]
    for path in old:
        path.write_bytes(b"an old backup")
        os.utime(path, (0, 0))  # long ago: the next one is due at once
    monkeypatch.setattr(backups, "FIRST_AFTER", timedelta(0))
    settings = make_settings(  # type: ignore[operator]
        backup_dir=folder, backup_keep=2, backup_passphrase=PASSPHRASE
    )
    async with running(settings, Clock(), telegram):
        await eventually(lambda: len(backups.daily_backups(folder)) == 2, "a daily backup", 30)
        await eventually(
            lambda: not any(path.exists() for path in old[:2]), "the oldest rotated out", 10
        )
    [kept, new] = backups.daily_backups(folder)
    assert kept == old[2]
    assert new.read_bytes().startswith(b"age-encryption.org/v1")


@pytest.mark.skipif(
    shutil.which("age") is None and os.environ.get("CI") != "true",
    reason="the age tool is not installed (apt-get install age)",
)
async def test_the_standard_age_tool_opens_a_backup(
    bot: RunningBot, ana: FakeUser, tmp_path: Path, database_key: str | None
) -> None:
    await started(ana)
    out = tmp_path / "backup.age"
    env = environment(database=str(bot.db_path), backup_passphrase=PASSPHRASE)
    made = await asyncio.to_thread(turnout, "backup", str(out), env=env)
    assert made.returncode == 0, made.stderr
    secret = database_key or PASSPHRASE
    opened = tmp_path / "opened.db"
    await asyncio.to_thread(age_decrypt, out, opened, secret)
    # What age gives back is the database, still under its own key when it had one.
    with cipher.connect(opened, database_key) as db:
        names = [row[0] for row in db.execute("SELECT first_name FROM members")]
    assert "Ana" in names


def age_decrypt(sealed: Path, out: Path, passphrase: str) -> None:
    """``age -d``, which reads a passphrase only from a terminal: given one (a pty)."""
    age = shutil.which("age")
    assert age is not None, "CI=true needs the age tool: apt-get install age"
    pid, terminal = pty.fork()
    if pid == 0:  # the child: age, on the terminal
        os.execv(age, [age, "-d", "-o", str(out), str(sealed)])  # noqa: S606 - no shell wanted
    said = b""
    try:
        while b"passphrase" not in said.lower():
            said += os.read(terminal, 1024)
        os.write(terminal, passphrase.encode() + b"\n")
        while True:
            try:
                chunk = os.read(terminal, 1024)
            except OSError:
                break  # the terminal closed: age is done
            if not chunk:
                break
            said += chunk
    finally:
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, said.decode(errors="replace")
