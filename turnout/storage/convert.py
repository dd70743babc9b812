"""``turnout db encrypt`` and ``turnout db decrypt``: the database converted in place.

SQLCipher's ``sqlcipher_export`` copies every table, index and trigger of one database into
another attached with a different key (or none). The copy is written beside the database,
checked (SQLite's integrity check, and the same number of rows in every table), and only then
renamed over the original in one step: a crash at any point leaves the original, whole. The
original's bytes are then overwritten (``files.overwrite``). The caller holds the database's
lock, so that no running bot writes to the file meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from turnout.storage import cipher, files
from turnout.storage.errors import StorageError, WrongKey


@dataclass(frozen=True, slots=True)
class Converted:
    tables: int
    rows: int


def encrypt_in_place(path: Path, key: str) -> Converted:
    """Encrypt a plain database with ``key``."""
    state = cipher.file_state(path)
    if state == "missing":
        raise StorageError(f"there is no database at {path}")
    if state == "encrypted":
        raise WrongKey(f"the database {path} is encrypted already")
    return _convert(path, key_from=None, key_to=key, tag="encrypting")


def decrypt_in_place(path: Path, key: str) -> Converted:
    """Turn a database encrypted with ``key`` back into a plain one."""
    state = cipher.file_state(path)
    if state == "missing":
        raise StorageError(f"there is no database at {path}")
    if state == "plain":
        raise WrongKey(f"the database {path} is not encrypted")
    return _convert(path, key_from=key, key_to=None, tag="decrypting")


def _convert(path: Path, *, key_from: str | None, key_to: str | None, tag: str) -> Converted:
    path = files.real_path(path)
    copy = files.temporary_beside(path, tag)
    files.remove_database(copy)  # a crashed run's copy
    try:
        source = cipher.connect_sqlcipher(path, key_from)
    except cipher.ERRORS as error:
        raise StorageError(f"cannot open the database {path}: {error}") from error
    try:
        counts = table_counts(source)
        version = int(source.execute("PRAGMA user_version").fetchone()[0])
        # An empty key attaches a plain database: the export decrypts.
        target_key = cipher.key_literal(key_to or "")
        source.execute(f"ATTACH DATABASE ? AS converted KEY {target_key}", (str(copy),))
        source.execute("SELECT sqlcipher_export('converted')")
        source.execute(f"PRAGMA converted.user_version = {version:d}")
        source.execute("DETACH DATABASE converted")
    except cipher.ERRORS as error:
        files.remove_database(copy)
        raise StorageError(f"cannot convert {path}: {error}") from error
    finally:
        # The last connection to close folds the write-ahead log into the file and removes it.
        source.close()
    try:
        check_copy(copy, key_to, counts)
    except BaseException:
        files.remove_database(copy)
        raise
    with open(path, "rb+") as original:
        files.replace(copy, path)
        files.overwrite_open(original)
    files.remove_database_sides(path)
    return Converted(len(counts), sum(counts.values()))


def table_counts(db: Any) -> dict[str, int]:
    """Rows per table: a converted or restored copy must hold as many as its original."""
    names = [
        str(row[0])
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: int(db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608
        for name in names
    }


def check_copy(copy: Path, key: str | None, expected: dict[str, int] | None = None) -> int:
    """SQLite's integrity check of a copy (and, given ``expected``, its row counts); its schema
    version. A copy that fails is refused with ``StorageError``."""
    try:
        db = cipher.connect(copy, key)
    except cipher.ERRORS as error:
        raise StorageError(f"the copy {copy} cannot be opened: {error}") from error
    try:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise StorageError(f"the copy {copy} is damaged: {verdict}")
        if expected is not None and table_counts(db) != expected:
            raise StorageError(f"the copy {copy} does not hold every row of the original")
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    except cipher.ERRORS as error:
        raise StorageError(f"the copy {copy} cannot be read: {error}") from error
    finally:
        db.close()
