"""Per-person flood control: more than ``limit`` updates in ``window`` seconds from one person are
answered once with "slow down", then ignored until the window has passed.

The parts of an album count as one update, and the photos, videos and files a member sends in
private (their report) have a gate of their own with far more room: a member sending thirty
photos from the street must not lose any. Pure: the caller gives the time (when the update was
sent), so it is tested without waiting.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: answer "slow down" once
    DROP = "drop"


@dataclass
class _Sender:
    times: deque[float] = field(default_factory=deque)
    last_album: str | None = None
    warned: bool = False


class FloodGate:
    def __init__(self, limit: int = 20, window: float = 10.0) -> None:
        self.limit = limit
        self.window = window
        self._senders: dict[int, _Sender] = {}

    def check(self, sender: int, now: float, album: str | None = None) -> Verdict:
        """Count one update of ``sender`` sent at ``now`` (seconds)."""
        state = self._senders.setdefault(sender, _Sender())
        times = state.times
        while times and times[0] <= now - self.window:
            times.popleft()
        if album is not None and album == state.last_album:
            return Verdict.DROP if state.warned and len(times) >= self.limit else Verdict.ALLOW
        state.last_album = album
        if len(times) >= self.limit:
            if state.warned:
                return Verdict.DROP
            state.warned = True
            return Verdict.WARN
        state.warned = False
        times.append(now)
        if len(self._senders) > 10_000:
            self._forget_quiet(now)
        return Verdict.ALLOW

    def forget(self, sender: int) -> None:
        """Nothing kept about someone who asked to be forgotten."""
        self._senders.pop(sender, None)

    def _forget_quiet(self, now: float) -> None:
        """Keep memory bounded: senders with nothing in the window are dropped."""
        quiet = [
            s
            for s, state in self._senders.items()
            if not state.times or state.times[-1] <= now - self.window
        ]
        for sender in quiet:
            del self._senders[sender]
