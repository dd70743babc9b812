"""The sandbox clock: real time plus however far the person skipped ahead.

The bot takes its "now" from an injected clock (``build_application(clock=...)``), and the
fake server stamps message dates with one; the sandbox hands both this clock, so skipping
ahead makes reminders fall due without waiting, and the chat shows the matching times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A demo needs hours and days, not years: a bound keeps a typo from breaking every date.
MAX_SKIP = timedelta(days=30)


class SandboxClock:
    """Real time shifted by an offset that only grows (time never runs backwards)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    def skip(self, delta: timedelta) -> None:
        """Move ahead by ``delta`` (positive, at most :data:`MAX_SKIP` at once)."""
        if not timedelta(0) < delta <= MAX_SKIP:
            raise ValueError(f"can only skip ahead by up to {MAX_SKIP.days} days")
        self.offset += delta
