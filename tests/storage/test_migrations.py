"""Migrations on real SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW
from turnout.storage import MigrationError, Store
from turnout.storage.migrations import bundled_migrations, load_migrations


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, sql in files.items():
        (folder / name).write_text(sql)
    return folder


async def test_a_fresh_database_reaches_the_latest_version(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        assert await store.schema_version() == len(load_migrations())
    finally:
        await store.close()
    assert db_path.is_file()
    assert {"members", "roles", "invites", "audit_log"} <= tables(db_path)


async def test_opening_again_changes_nothing(db_path: Path) -> None:
    await (await Store.open(db_path)).close()
    await (await Store.open(db_path)).close()
    assert user_version(db_path) == len(load_migrations())


async def test_sqlite_is_set_up_for_one_writer_and_safe_deletes(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        rows = [
            await store._fetch_one(f"PRAGMA {name}", {})
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    finally:
        await store.close()
    values = [row[0] if row else None for row in rows]
    assert values[0] == "wal"
    assert values[1] == 1
    assert isinstance(values[2], int) and values[2] >= 1000


def test_bundled_migrations_are_numbered_without_gaps() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    names = [entry.name for entry in bundled_migrations().iterdir() if entry.name.endswith(".sql")]
    assert len(names) == len(migrations)


def test_a_gap_is_refused(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "m",
        {"0001_a.sql": "CREATE TABLE a (x INTEGER);", "0003_c.sql": "CREATE TABLE c (x INTEGER);"},
    )
    with pytest.raises(MigrationError, match="without gaps"):
        load_migrations(folder)


def test_a_badly_named_file_is_refused(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "CREATE TABLE a (x INTEGER);"})
    with pytest.raises(MigrationError, match="NNNN_name"):
        load_migrations(folder)


async def test_a_failing_migration_leaves_the_previous_version_intact(
    tmp_path: Path, db_path: Path
) -> None:
    good = {"0001_first.sql": "CREATE TABLE first (x INTEGER);"}
    await (await Store.open(db_path, migrations=write(tmp_path / "good", good))).close()
    broken = {
        **good,
        # The first statement succeeds, the second fails: neither may remain.
        "0002_second.sql": "CREATE TABLE second (x INTEGER);\nINSERT INTO nowhere VALUES (1);",
    }
    with pytest.raises(MigrationError, match="0002_second"):
        await Store.open(db_path, migrations=write(tmp_path / "broken", broken))
    assert user_version(db_path) == 1
    assert "second" not in tables(db_path)
    assert "first" in tables(db_path)


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path, db_path: Path) -> None:
    await (await Store.open(db_path)).close()
    older = write(tmp_path / "older", {"0001_members.sql": "SELECT 1;"})
    with pytest.raises(MigrationError, match="newer"):
        await Store.open(db_path, migrations=older)


def bundled_up_to(folder: Path, version: int) -> Path:
    """The bundled migrations up to ``version``, as a folder: a database of an older release."""
    folder.mkdir()
    for entry in bundled_migrations().iterdir():
        if entry.name.endswith(".sql") and int(entry.name[:4]) <= version:
            (folder / entry.name).write_text(entry.read_text())
    return folder


async def test_an_upgrade_keeps_submissions_numbers_and_old_pseudonyms_readable(
    tmp_path: Path, db_path: Path
) -> None:
    older = await Store.open(db_path, migrations=bundled_up_to(tmp_path / "16", 16))
    try:
        await older.register_member(1001, "Ana", "en", "UTC", NOW)
        # As the release of that version stored a submitted report (today's store numbers
        # reports by a table it does not have yet).
        await older._execute(
            "INSERT INTO reports (id, user_id, status, submitted_at, created_at, updated_at) "
            "VALUES (7, 1001, 'pending', :at, :at, :at)",
            {"at": "2026-11-26 12:00:00"},
        )
    finally:
        await older.close()

    store = await Store.open(db_path)
    try:
        assert await store.reports_submitted_since(1001, NOW - timedelta(minutes=1)) == 1
        await store._execute("DELETE FROM reports WHERE id = 7", {})  # withdrawn
        assert (await store.open_draft(1001, NOW)).id == 8  # number 7 is not given again
        [mark] = [e for e in await store.audit_entries() if e.action == "pseudonyms:longer"]
        assert "6 hex digits" in mark.detail
    finally:
        await store.close()


async def test_a_new_database_has_no_mark_of_the_older_pseudonyms(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        assert await store.audit_entries() == []
    finally:
        await store.close()
