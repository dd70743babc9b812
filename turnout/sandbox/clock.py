"""The sandbox clock: real time plus however far the person skipped ahead.

The bot takes its "now" from an injected clock (``build_application(clock=...)``), and the
fake server stamps message dates with one; the sandbox hands both this clock, so skipping
ahead makes reminders fall due without waiting, and the chat shows the matching times.

The offset is kept in a small file next to the database (:func:`save_offset`): what the bot
stored happened at the skipped time, so a restart resumes there rather than going back.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

# A demo needs hours and days, not years: a bound keeps a typo from breaking every date.
MAX_SKIP = timedelta(days=30)
# How far ahead the clock may get in all; a saved offset beyond it is not believed.
MAX_OFFSET = timedelta(days=365)


class SandboxClock:
    """Real time shifted by an offset that only grows (time never runs backwards)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    def skip(self, delta: timedelta) -> None:
        """Move ahead by ``delta`` (positive, at most :data:`MAX_SKIP` at once, and at most
        :data:`MAX_OFFSET` in all)."""
        if not timedelta(0) < delta <= MAX_SKIP:
            raise ValueError(f"Skip ahead by up to {MAX_SKIP.days} days at once.")
        if self.offset + delta > MAX_OFFSET:
            raise ValueError(f"The sandbox clock goes at most {MAX_OFFSET.days} days ahead.")
        self.offset += delta


def clock_path(database: Path) -> Path:
    return Path(f"{database}.clock.json")


def load_offset(path: Path) -> timedelta:
    """The offset a previous run saved; none (no file, or one that makes no sense) is zero."""
    try:
        seconds = json.loads(path.read_text(encoding="utf-8"))["offset_seconds"]
    except FileNotFoundError:
        return timedelta(0)
    except (OSError, ValueError, TypeError, KeyError) as error:
        # Hand-edited or half-written: real time is a safe start, and the person is told.
        log.warning(
            "sandbox: %s is unreadable (%s); the clock starts at the real time", path, error
        )
        return timedelta(0)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        seconds = -1
    if not 0 <= seconds <= MAX_OFFSET.total_seconds():
        log.warning("sandbox: %s holds no usable offset; the clock starts at the real time", path)
        return timedelta(0)
    return timedelta(seconds=seconds)


def save_offset(path: Path, offset: timedelta) -> None:
    """Write the offset for the next run; a crash mid-write leaves the old file, never half."""
    partial = path.with_name(f"{path.name}.tmp")
    partial.write_text(json.dumps({"offset_seconds": offset.total_seconds()}), encoding="utf-8")
    os.replace(partial, path)


def describe(offset: timedelta) -> str:
    """``"1 d 2 h 15 min"``: how far ahead, as the page says it."""
    minutes = int(offset.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
    ]
    return " ".join(part for part in parts if part) or "less than a minute"
