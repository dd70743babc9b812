"""The storage package's exceptions; sqlite3 errors are translated into these where they enter."""

from __future__ import annotations


class StorageError(Exception):
    """Something went wrong reading or writing the database."""


class NotFound(StorageError):
    """The row asked for does not exist."""


class Conflict(StorageError):
    """The change clashes with what is already stored."""


class MigrationError(StorageError):
    """The migrations cannot be applied: a gap, a newer database, or a failing script."""


class OutOfSpace(StorageError):
    """The disk (or the database's size limit) is full: the change was not written at all."""


class WrongKey(StorageError):
    """The key does not fit the database: a key for a plain file, none (or another) for an
    encrypted one. Nothing was opened or created."""
