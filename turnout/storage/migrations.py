"""Numbered SQL migrations (``NNNN_name.sql``), applied in order and recorded in user_version.

Each migration runs in one transaction together with the ``PRAGMA user_version`` bump, so a
failing script leaves the database exactly at the previous version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import aiosqlite

from turnout.storage.cipher import ERRORS
from turnout.storage.errors import MigrationError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> Traversable:
    return files("turnout.storage") / "migrations"


def load_migrations(folder: Traversable | Path | None = None) -> list[Migration]:
    """Read the migration files of ``folder``, checking that they number 1, 2, 3… without gaps."""
    folder = bundled_migrations() if folder is None else folder
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.match(entry.name)
        if match is None:
            raise MigrationError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migrations are not numbered 1..{len(found)} without gaps: "
                f"expected {expected:04d}, found {migration.version:04d}_{migration.name}"
            )
    return found


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(db: aiosqlite.Connection, migrations: list[Migration]) -> list[int]:
    """Bring the database to the latest version; return the versions applied now."""
    current = await schema_version(db)
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise MigrationError(
            f"the database is at schema version {current}, newer than this Turnout knows "
            f"({latest}); upgrade Turnout"
        )
    applied = []
    for migration in migrations[current:]:
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n;\n"
            f"PRAGMA user_version = {migration.version:d};\n"
            "COMMIT;\n"
        )
        try:
            await db.executescript(script)
        except ERRORS as error:
            if db.in_transaction:
                await db.rollback()
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} failed: {error}"
            ) from error
        applied.append(migration.version)
    return applied
