"""One process at a time owns a database: a lock file next to it, held while it runs.

The bot (``turnout run``) and the sandbox hold it for as long as they run; the commands that
replace the file (``turnout restore``, ``turnout db encrypt`` and ``decrypt``) hold it while
they work. Two sandboxes on one database would each poll a stand-in for Telegram of their own
and write the same file; a restore under a running bot would pull the file from under it. The
second one is refused instead. Commands that only read or add rows (``backup``, ``export``,
``deliveries``) need no lock: SQLite keeps them consistent.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

if sys.platform != "win32":
    import fcntl


class DatabaseInUse(Exception):
    """Another process holds the database; the message says which, and what to do."""


def lock_path(database: Path) -> Path:
    return Path(f"{database}.lock")


class DatabaseLock:
    """``acquire()`` at start, ``release()`` at stop. The operating system releases the lock
    when the process ends, however it ends, so a killed sandbox never leaves it behind."""

    def __init__(
        self,
        database: Path,
        *,
        holder: str = "another Turnout process",
        advice: str = "stop it first",
    ) -> None:
        self.database = database
        # The real file's lock: two names (a symbolic link) for one database are one database.
        database = database.resolve() if database.is_symlink() else database
        self._holder = holder
        self._advice = advice
        self.path = lock_path(database)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Hold the lock, or raise :class:`DatabaseInUse` naming the process that holds it."""
        if self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" never truncates: until this process holds the lock, the file names the holder.
        held = self.path.open("a+", encoding="utf-8")
        try:
            _lock(held)
        except BlockingIOError:
            held.seek(0)
            holder = held.read().strip()
            held.close()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise DatabaseInUse(
                f"{self._holder} is using {self.database}{who}; {self._advice}"
            ) from None
        except BaseException:
            held.close()
            raise
        held.truncate(0)
        held.write(f"{os.getpid()}\n")
        held.flush()
        self._file = held

    def release(self) -> None:
        if self._file is None:
            return
        # The file itself stays: removing it could let two processes lock two different files.
        with contextlib.suppress(OSError):
            self._file.truncate(0)
        self._file.close()  # closing it releases the lock
        self._file = None


def _lock(held: IO[str]) -> None:
    """Lock without waiting; ``BlockingIOError`` when another process holds the lock."""
    if sys.platform == "win32":
        return  # no flock there: Turnout runs unguarded rather than not at all
    fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
