from __future__ import annotations

import os
import time
from pathlib import Path

from turnout.bot.health import STALE_AFTER, is_alive


def test_a_fresh_heartbeat_is_alive(tmp_path: Path) -> None:
    beat = tmp_path / "turnout.heartbeat"
    beat.touch()
    assert is_alive(beat)


def test_a_stale_or_missing_heartbeat_is_not(tmp_path: Path) -> None:
    beat = tmp_path / "turnout.heartbeat"
    assert not is_alive(beat)
    beat.touch()
    old = time.time() - STALE_AFTER - 1
    os.utime(beat, (old, old))
    assert not is_alive(beat)
