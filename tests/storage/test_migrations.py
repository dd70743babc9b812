"""Migrations on real SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

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
