"""Writing whole database files safely: the steps that ``backup``, ``restore`` and the in-place
encryption share. A file is written beside its target under a temporary name, flushed to disk
and renamed over the target in one step, so a crash leaves the old file or the new one, never
half of either."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path
from typing import BinaryIO

from turnout.storage.errors import StorageError

#: What SQLite keeps beside a database in WAL mode (and in rollback mode, while it writes).
SIDE_FILES = ("-wal", "-shm", "-journal")


def temporary_beside(target: Path, tag: str) -> Path:
    """A name in the target's folder (a rename works only within one file system), which a
    crashed run leaves behind and the next one overwrites."""
    return target.with_name(f".{target.name}.{tag}")


def remove_database(path: Path) -> None:
    """Remove a database file and whatever SQLite kept beside it; missing ones are fine."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    remove_database_sides(path)


def remove_database_sides(path: Path) -> None:
    """Remove what SQLite kept beside a database: a log that belonged to the file it replaced
    would be replayed into the new one."""
    for side in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{side}")


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file only its owner can read (``replace`` flushes it to the
    disk before it takes the target's place)."""
    remove_database(path)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
    except OSError as error:
        with contextlib.suppress(OSError):
            path.unlink()
        raise StorageError(f"cannot write {path}: {error.strerror or error}") from error


def real_path(path: Path) -> Path:
    """The database's real place: a symbolic link is followed, so that the copy is written, and
    renamed, beside the file itself (not in the link's folder, over the link)."""
    return path.resolve() if path.is_symlink() else path


def keep_aside(path: Path, tag: str) -> Path | None:
    """Keep the file now at ``path`` under another name beside it (a second link to the same
    file, or a copy), before something else is renamed into its place; None if there is none."""
    if not path.exists():
        return None
    kept = path.with_name(f"{path.name}.{tag}")
    remove_database(kept)
    try:
        try:
            os.link(path, kept)
        except OSError:
            shutil.copy2(path, kept)
    except OSError as error:
        raise StorageError(f"cannot keep {path} as {kept}: {error.strerror or error}") from error
    return kept


def replace(source: Path, target: Path) -> None:
    """Put ``source`` in ``target``'s place in one step, and make the rename itself durable.
    The new file gets the old one's owner and permissions (a conversion run by another user, or
    by root, must not lock the bot out of its own database); a new one is its owner's alone."""
    try:
        _same_owner_and_mode(source, target)
        with open(source, "rb+") as file:
            os.fsync(file.fileno())
        os.replace(source, target)
        _sync_folder(target.parent)
    except OSError as error:
        raise StorageError(f"cannot replace {target}: {error.strerror or error}") from error


def overwrite_open(file: BinaryIO) -> None:
    """Fill a file that was just replaced (still open, so still there) with zeros, so that its
    old content is not left in the disk's free space. On an ordinary disk; a copy-on-write
    file system or a flash disk may keep the old blocks anyway, which SECURITY.md says."""
    try:
        size = os.fstat(file.fileno()).st_size
        file.seek(0)
        block = b"\x00" * 65536
        left = size
        while left > 0:
            left -= file.write(block[: min(left, len(block))])
        file.flush()
        os.fsync(file.fileno())
    except OSError:
        return  # best effort: the file is gone from the folder either way


def _same_owner_and_mode(source: Path, target: Path) -> None:
    try:
        old = os.stat(target)
    except FileNotFoundError:
        os.chmod(source, 0o600)
        return
    os.chmod(source, stat.S_IMODE(old.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.chown(source, old.st_uid, old.st_gid)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
