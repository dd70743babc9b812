"""Opening the database file: plain SQLite, or SQLCipher 4 when a key is given.

Without a key the standard library's ``sqlite3`` opens the file, exactly as before encryption
existed. With a key, ``sqlcipher3`` (the same DB-API, built with SQLCipher) opens it and every
page, of the database and of its write-ahead log, is encrypted on disk. Both drivers raise
their own exception classes; the tuples here name both, so that the Store translates either.

A key of 64 hexadecimal digits (``openssl rand -hex 32``) is the encryption key itself and
opens the file at once; any other key is a passphrase, which SQLCipher stretches (PBKDF2,
256,000 rounds) each time the file is opened.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any, cast

import sqlcipher3.dbapi2 as sqlcipher

from turnout.storage.errors import WrongKey

#: The first 16 bytes of every plain SQLite file; an encrypted file starts with random bytes.
SQLITE_HEADER = b"SQLite format 3\x00"

ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, sqlcipher.IntegrityError)

_RAW_KEY = re.compile(r"[0-9a-fA-F]{64}")


def key_literal(key: str) -> str:
    """The key as SQLCipher reads it in ``PRAGMA key`` and ``ATTACH ... KEY``: a raw key as
    ``"x'…'"``, a passphrase as a quoted string. PRAGMA takes no bound parameters, so quotes
    in a passphrase are doubled, as SQL writes them; NUL cannot be written and is refused."""
    if "\x00" in key:
        raise WrongKey("a database key cannot contain a NUL character")
    if _RAW_KEY.fullmatch(key):
        return f"\"x'{key}'\""
    return "'" + key.replace("'", "''") + "'"


def file_state(path: Path) -> str:
    """``missing`` (or empty: SQLite writes nothing until the first table), ``plain`` or
    ``encrypted`` (anything that does not start with SQLite's header)."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "missing"
    if not head:
        return "missing"
    return "plain" if head == SQLITE_HEADER else "encrypted"


def check_key(path: Path, key: str | None) -> None:
    """Refuse a key for a plain file, or none for an encrypted one, before SQLite is asked:
    SQLCipher given a plain file with a key (or SQLite an encrypted file) says only "file is
    not a database", and a missing file is created as an empty new database."""
    state = file_state(path)
    if state == "plain" and key is not None:
        raise WrongKey(
            f"the database {path} is not encrypted, but a key is set: encrypt it first "
            "with `turnout db encrypt`, or unset the key"
        )
    if state == "encrypted" and key is None:
        raise WrongKey(f"the database {path} is encrypted (or is not a database); give its key")


def connect(path: Path | str, key: str | None, **options: Any) -> sqlite3.Connection:
    """Open the file with the driver its key calls for; with a key, prove that the key opens
    it (SQLCipher checks a key only when the first page is read)."""
    if key is None:
        return cast(sqlite3.Connection, sqlite3.connect(path, **options))
    db = sqlcipher.connect(str(path), **options)
    try:
        # A wrong key makes SQLCipher print three lines of its own to stderr; the person
        # starting the bot gets one line, from ``WrongKey``. Its warnings come back after.
        db.execute("PRAGMA cipher_log_level = NONE")
        db.execute(f"PRAGMA key = {key_literal(key)}")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        db.execute("PRAGMA cipher_log_level = WARN")
    except sqlcipher.DatabaseError as error:
        db.close()
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise WrongKey(f"the key does not open the database {path}") from None
        raise
    except BaseException:
        db.close()
        raise
    # The same DB-API as sqlite3's, and what aiosqlite and the Store expect.
    return cast(sqlite3.Connection, db)


def connect_sqlcipher(path: Path, key: str | None) -> Any:
    """A SQLCipher connection even without a key (a plain file reads as plain SQLite), for
    ``sqlcipher_export``, which copies between an encrypted and a plain database."""
    if key is not None:
        return connect(path, key)
    return sqlcipher.connect(str(path))


def row_factory(key: str | None) -> type[sqlite3.Row]:
    """Rows by name and by index; each driver accepts only its own row class."""
    return sqlite3.Row if key is None else cast(type[sqlite3.Row], sqlcipher.Row)
