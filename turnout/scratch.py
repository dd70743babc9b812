"""Scratch folders: where a member's video, and the covered copy of it, are written while they
are cleaned (``export.video``, ``export.blurring``), in the system's temporary folder. Each is
private (mode 0700) and removed when its work ends; one left behind by a process that was killed
(kill -9, out of memory) is removed at the next start (``remove_scratch``), since it holds a
member's file with its metadata."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

SCRATCH = "turnout-"
KINDS = ("video", "faces", "worker")


def scratch_prefix(kind: str) -> str:
    """The name a scratch folder of this process starts with: its process id in it, so that a
    folder a killed process left behind can be told from one in use."""
    assert kind in KINDS
    return f"{SCRATCH}{kind}-{os.getpid()}-"


def new_scratch(kind: str) -> Path:
    """A new private scratch folder of this process (the caller removes it)."""
    return Path(tempfile.mkdtemp(prefix=scratch_prefix(kind)))


def remove_scratch(folder: Path | None = None) -> int:
    """Remove the scratch folders (members' videos, half covered copies) that processes which
    no longer run left in ``folder`` (the system's temporary folder); how many."""
    where = folder or Path(tempfile.gettempdir())
    removed = 0
    for path in where.glob(f"{SCRATCH}*-*-*"):
        found = re.fullmatch(rf"{SCRATCH}(video|faces|worker)-(\d+)-.*", path.name)
        if found is None or not path.is_dir() or _alive(int(found[2])):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to judge
        return True
    return True
