"""A heartbeat file the running bot touches, and the check that reads it (Docker's HEALTHCHECK).

Long polling has no port to probe; a file touched by a job of the bot's own event loop shows that
the loop is alive and not stuck, which is what a health check should tell.
"""

from __future__ import annotations

import time
from pathlib import Path

from turnout.config import Settings
from turnout.handlers.common.context import TurnoutContext

BEAT_EVERY = 30.0
STALE_AFTER = 120.0


def heartbeat_path(settings: Settings) -> Path:
    return settings.database.parent / "turnout.heartbeat"


async def beat(context: TurnoutContext) -> None:
    heartbeat_path(context.settings).touch()


def is_alive(path: Path, now: float | None = None) -> bool:
    """True when the heartbeat was touched recently enough."""
    try:
        touched = path.stat().st_mtime
    except OSError:
        return False
    return (time.time() if now is None else now) - touched < STALE_AFTER
