"""Scratch folders a killed process left behind are removed; those in use are not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from turnout.scratch import remove_scratch, scratch_prefix


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_only_the_folders_of_processes_gone_are_removed(tmp_path: Path) -> None:
    gone = dead_pid()
    left = [tmp_path / f"turnout-{kind}-{gone}-abc" for kind in ("video", "faces", "worker")]
    mine = tmp_path / f"{scratch_prefix('video')}xyz"
    other = tmp_path / f"turnout-crowd-{gone}-abc"  # not a scratch folder of ours
    for folder in [*left, mine, other]:
        folder.mkdir()
        (folder / "source").write_bytes(b"a member's video")
    assert remove_scratch(tmp_path) == 3
    assert [p for p in left if p.exists()] == []
    assert mine.exists() and other.exists()
    assert str(os.getpid()) in mine.name
