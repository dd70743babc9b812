"""``turnout backup`` and ``turnout restore``, and the daily backups: encrypted copies of the
database, in the age format.

A backup is a consistent copy made with SQLite's online backup (a snapshot, while the bot
goes on writing), encrypted with age's passphrase mode (scrypt): by the database key when the
database is encrypted, otherwise by a backup passphrase. The standard ``age -d`` opens it with
the same words; what comes out is the database as it was, still encrypted with its own key
when it had one (so a plain copy never touches the disk).

A restore decrypts, checks (SQLite's integrity check, a Turnout schema no newer than this
version's), and only then puts the copy in the database's place in one step. The caller
holds the database's lock: a running bot is never pulled from under.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyrage

from turnout.storage import cipher, files
from turnout.storage.convert import check_copy
from turnout.storage.errors import StorageError, WrongKey
from turnout.storage.migrations import load_migrations

#: Daily backups are named ``turnout-20261207-0400.age`` (UTC), so they sort by age.
DAILY_PREFIX = "turnout-"
DAILY_SUFFIX = ".age"
_DAILY = re.compile(rf"{DAILY_PREFIX}\d{{8}}-\d{{6}}{re.escape(DAILY_SUFFIX)}")


@dataclass(frozen=True, slots=True)
class Restored:
    schema_version: int
    """The copy's schema version; a start of the bot brings an older one up to date."""
    replaced: Path | None
    """Where the database that was replaced is kept (as encrypted as it was), if there was one."""


def make_backup(database: Path, key: str | None, secret: str, out: Path) -> int:
    """Write an encrypted copy of ``database`` to ``out`` (replacing it in one step); return
    its size in bytes. ``secret`` is the key, or the backup passphrase."""
    if cipher.file_state(database) == "missing":
        raise StorageError(f"there is no database at {database}")
    own = {Path(f"{database}{side}").resolve() for side in ("", *files.SIDE_FILES, ".lock")}
    if out.resolve() in own:
        raise StorageError(f"{out} is the database's own file; write the backup elsewhere")
    cipher.check_key(database, key)
    data = _snapshot(database, key)
    try:
        sealed = pyrage.passphrase.encrypt(data, secret)
    except pyrage.EncryptError as error:
        raise StorageError(f"cannot encrypt the backup: {error}") from error
    del data
    partial = files.temporary_beside(out, "writing")
    files.write_private(partial, sealed)
    files.replace(partial, out)
    return len(sealed)


def _snapshot(database: Path, key: str | None) -> bytes:
    """The database's bytes as of one moment, taken through a connection of its own."""
    try:
        source = cipher.connect(database, key)
    except cipher.ERRORS as error:
        raise StorageError(f"cannot open the database {database}: {error}") from error
    try:
        if key is None:
            # Into memory: a plain copy is never written to the disk.
            with sqlite3.connect(":memory:") as memory:
                source.backup(memory)
                _check(memory, database)
                return memory.serialize()
        # SQLCipher copies between two files with the same key; the copy is as encrypted as
        # the database, in its folder, and gone once read.
        descriptor, name = tempfile.mkstemp(prefix=".backup-", dir=database.parent)
        os.close(descriptor)
        copy = Path(name)
        try:
            target = cipher.connect(copy, key)
            try:
                source.backup(target)
                _check(target, database)
            finally:
                target.close()
            return copy.read_bytes()
        finally:
            files.remove_database(copy)
    except cipher.ERRORS as error:
        raise StorageError(f"cannot copy the database {database}: {error}") from error
    finally:
        source.close()


def _check(copy: sqlite3.Connection, database: Path) -> None:
    """A backup that would not restore is refused now, not found out on the day it is needed."""
    verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise StorageError(f"the copy of {database} is damaged ({verdict}); no backup written")


def restore_backup(backup: Path, database: Path, key: str | None, secret: str) -> Restored:
    """Put the database of ``backup`` in ``database``'s place, after checking it. The database
    it replaces is kept beside it (``turnout.db.before-restore``): the wrong backup restored
    by mistake must not lose everything since."""
    database = files.real_path(database)
    try:
        sealed = backup.read_bytes()
    except OSError as error:
        raise StorageError(f"cannot read {backup}: {error.strerror or error}") from error
    try:
        data = pyrage.passphrase.decrypt(sealed, secret)
    except pyrage.DecryptError:
        raise WrongKey(
            f"cannot decrypt {backup}: the key or passphrase is wrong, or it is not a backup"
        ) from None
    plain = data.startswith(cipher.SQLITE_HEADER)
    if plain and key is not None:
        raise WrongKey(
            f"{backup} holds an unencrypted database, but a key is set: restore it without "
            "the key, then encrypt it with `turnout db encrypt`"
        )
    if not plain and key is None:
        raise WrongKey(f"{backup} holds an encrypted database: give its key")
    copy = files.temporary_beside(database, "restoring")
    try:
        database.parent.mkdir(parents=True, exist_ok=True)  # a new machine, after a loss
    except OSError as error:
        raise StorageError(f"cannot create the folder {database.parent}: {error}") from error
    files.write_private(copy, data)
    del data
    try:
        version = check_copy(copy, key)
        newest = len(load_migrations())
        if version < 1:
            raise StorageError(f"{backup} does not hold a Turnout database")
        if version > newest:
            raise StorageError(
                f"{backup} was made by a newer Turnout (schema {version}, this one knows "
                f"{newest}); upgrade Turnout first"
            )
    except BaseException:
        files.remove_database(copy)
        raise
    _fold_log(database, key)
    files.remove_database_sides(database)
    kept = files.keep_aside(database, "before-restore")
    files.replace(copy, database)
    return Restored(version, kept)


def _fold_log(database: Path, key: str | None) -> None:
    """Before the file is replaced, fold its write-ahead log into it (best effort: a damaged
    database, the reason for many a restore, may not open): the log belongs to the old file
    and is removed with it."""
    if cipher.file_state(database) == "missing":
        return
    with contextlib.suppress(*cipher.ERRORS, StorageError):
        db = cipher.connect(database, key)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()


def daily_name(moment: datetime) -> str:
    return f"{DAILY_PREFIX}{moment:%Y%m%d-%H%M%S}{DAILY_SUFFIX}"


def daily_backups(folder: Path) -> list[Path]:
    """The daily backups in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    # Exactly the daily names: a backup named by hand (turnout-before-upgrade.age) is neither
    # counted nor rotated out, and would otherwise sort after every dated one.
    return sorted(path for path in folder.iterdir() if _DAILY.fullmatch(path.name))


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` daily backups; return the ones deleted."""
    found = daily_backups(folder)
    gone = found[: max(0, len(found) - keep)]
    for path in gone:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return gone
