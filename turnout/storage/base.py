"""The Store's foundation: the connection, the lock, transactions and time conversion.

The Store itself (``store.py``) is this base plus one class of queries per subject; all of them
run through the helpers here, so every write is serialised and every multi-row change atomic.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
import unicodedata
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, Self

import aiosqlite

from turnout.storage import cipher
from turnout.storage.errors import Conflict, OutOfSpace, StorageError
from turnout.storage.migrations import apply_migrations, load_migrations
from turnout.storage.models import Member
from turnout.storage.records import Prompt

log = logging.getLogger(__name__)

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BUSY_TIMEOUT_MS = 5000
#: Seconds between two log lines saying the disk is full.
FULL_SAID_EVERY = 600.0


def to_db_time(moment: datetime) -> str:
    """Times are stored as UTC text in SQLite's own format, so they sort and compare in SQL."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; give a timezone")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def from_db_time(text: str) -> datetime:
    # fromisoformat reads this format too, and ten times faster than strptime (exports).
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def optional_time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


def folded(name: str) -> str:
    """A name as compared in any case and of any alphabet ("Grève", "GRÈVE"): SQLite's NOCASE
    folds ASCII letters only. Also the SQL function ``casefold`` of every connection."""
    return unicodedata.normalize("NFKC", name).casefold()


def join_minutes(minutes: tuple[int, ...] | None) -> str | None:
    """Minute lists are stored as "1440,120"; None stays NULL."""
    return None if minutes is None else ",".join(str(m) for m in minutes)


def parse_minutes(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    return tuple(int(part) for part in text.split(",") if part)


class StoreBase:
    """The connection and the helpers every query class uses; open a ``Store``, not this."""

    def __init__(self, path: Path, db: aiosqlite.Connection, key: str | None = None) -> None:
        self.path = path
        self._db = db
        self._key = key
        # One connection is shared by every handler and task; the lock keeps one coroutine's
        # transaction from swallowing another's statements.
        self._lock = asyncio.Lock()
        # Members and their open prompts are read on every update. This process is the only
        # writer, so copies kept here stay true as long as every query that changes a member
        # or a prompt forgets (or updates) its copy.
        self._members: dict[int, Member] = {}
        self._prompts: dict[int, Prompt | None] = {}
        # Lack of space is said in the log once (again after ``FULL_SAID_EVERY`` at most), not
        # at every write that fails the same way, and once more when a write works again. A
        # disk nearly full lets small writes through and refuses larger ones: without the
        # pause the two lines would alternate.
        self._full_said_at: float | None = None
        self._say_space_back = False

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        key: str | None = None,
        migrations: Traversable | Path | None = None,
    ) -> Self:
        """Create the folder and file if needed, configure SQLite and apply every migration.

        With ``key`` the file is encrypted (SQLCipher, ``cipher.py``); a key that does not fit
        the file raises ``WrongKey`` and leaves the file as it was."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(f"cannot create the folder {path.parent}: {error}") from error
        steps = load_migrations(migrations)
        cipher.check_key(path, key)
        try:
            # Opened here, so that a key that does not fit fails before aiosqlite's thread
            # starts (its stop would outlive the event loop); then handed to that thread.
            connection = await asyncio.to_thread(
                cipher.connect, path, key, isolation_level=None, check_same_thread=False
            )
        except cipher.ERRORS as error:
            raise StorageError(f"cannot open the database {path}: {error}") from error
        db = await aiosqlite.Connection(lambda: connection, iter_chunk_size=64)
        try:
            db.row_factory = cipher.row_factory(key)
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten, not left in free pages (/forgetme, retention).
            await db.execute("PRAGMA secure_delete = ON")
            await db.create_function("casefold", 1, folded, deterministic=True)
            await apply_migrations(db, steps)
        except cipher.ERRORS as error:
            await db.close()
            raise StorageError(f"cannot use the database {path}: {error}") from error
        except StorageError:
            await db.close()
            raise
        return cls(path, db, key)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Around a write: sqlite3's errors as this package's (lack of space as
        ``OutOfSpace``, said once in the log), and a success noted."""
        try:
            yield
        except cipher.INTEGRITY_ERRORS as error:
            raise Conflict(str(error)) from error
        except cipher.ERRORS as error:
            raise self._translated(error) from error
        self._written()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one write transaction; any error rolls all of it back."""
        async with self._lock:
            with self._writing():
                try:
                    await self._db.execute("BEGIN IMMEDIATE")
                    yield self._db
                except BaseException:
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")

    async def _fetch_all(self, sql: str, params: Mapping[str, Any]) -> list[sqlite3.Row]:
        async with self._lock:
            try:
                # One trip to the database thread, not three (execute, fetch, close).
                return list(await self._db.execute_fetchall(sql, params))
            except cipher.ERRORS as error:
                raise StorageError(str(error)) from error

    async def _fetch_one(self, sql: str, params: Mapping[str, Any]) -> sqlite3.Row | None:
        rows = await self._fetch_all(sql, params)
        return rows[0] if rows else None

    async def _scrub(self) -> None:
        """After deleting personal data: copy the write-ahead log into the database and empty
        it, so that the deleted rows are not left in the log file either."""
        async with self._lock:
            try:
                await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except cipher.ERRORS as error:
                raise StorageError(str(error)) from error

    async def schema_version(self) -> int:
        row = await self._fetch_one("PRAGMA user_version", {})
        return int(row[0]) if row else 0

    async def _execute(self, sql: str, params: Mapping[str, Any]) -> int:
        """Run one writing statement on its own (atomic by itself); return the rows changed."""
        async with self._lock:
            with self._writing():
                cursor = await self._db.execute(sql, params)
            return cursor.rowcount

    async def _execute_returning(self, sql: str, params: Mapping[str, Any]) -> list[sqlite3.Row]:
        """Run one writing statement with ``RETURNING`` on its own (atomic by itself, and one
        trip to the database thread); return the rows it returned."""
        async with self._lock:
            with self._writing():
                return list(await self._db.execute_fetchall(sql, params))

    def _translated(self, error: Exception) -> StorageError:
        """A failed write as this package's exception; lack of space as ``OutOfSpace``."""
        if not _is_full(error):
            return StorageError(str(error))
        now = time.monotonic()
        if self._full_said_at is None or now - self._full_said_at > FULL_SAID_EVERY:
            self._full_said_at = now
            self._say_space_back = True
            log.error(
                "the database %s cannot grow (%s): writes that need space fail until there is some",
                self.path,
                error,
            )
        return OutOfSpace(str(error))

    def _written(self) -> None:
        if self._say_space_back:
            self._say_space_back = False
            log.warning("the database %s is written again", self.path)


def _is_full(error: Exception) -> bool:
    # SQLITE_FULL: the disk is full, or the database reached its size limit (max_page_count).
    # SQLite reports a write cut short by ENOSPC this way too.
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL


async def rows_changed(db: aiosqlite.Connection, sql: str, params: Mapping[str, Any]) -> bool:
    """Within a transaction: run one writing statement; whether it changed any row."""
    cursor = await db.execute(sql, params)
    return cursor.rowcount > 0


async def move_status(
    db: aiosqlite.Connection,
    table: Literal["actions", "calls"],
    row_id: int,
    expected: str,
    status: str,
    now: datetime,
) -> bool:
    """Within a transaction: move one action or call from ``expected`` to ``status``; False if
    it is not in ``expected`` (another person, or the scheduler, moved it meanwhile)."""
    return await rows_changed(
        db,
        f"UPDATE {table} SET status = :status, updated_at = :now "  # noqa: S608 - fixed names
        "WHERE id = :id AND status = :expected",
        {"id": row_id, "status": status, "expected": expected, "now": to_db_time(now)},
    )


async def write_audit(
    db: aiosqlite.Connection,
    now: datetime,
    actor_id: int | None,
    action: str,
    target_id: int | None,
    detail: Mapping[str, Any],
) -> None:
    await db.execute(
        """
        INSERT INTO audit_log (at, actor_id, action, target_id, detail)
        VALUES (:at, :actor_id, :action, :target_id, :detail)
        """,
        {
            "at": to_db_time(now),
            "actor_id": actor_id,
            "action": action,
            "target_id": target_id,
            "detail": json.dumps(dict(detail), sort_keys=True, default=str),
        },
    )


def second_precision(moment: datetime) -> datetime:
    """The precision the database keeps, so a returned model equals the one read back later."""
    return moment.astimezone(UTC).replace(microsecond=0)
