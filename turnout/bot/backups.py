"""Daily backups (``TURNOUT_BACKUP_DIR``): an encrypted copy of the database once a day, the
oldest rotated out beyond ``TURNOUT_BACKUP_KEEP``.

The first one is due a day after the newest backup in the folder (at once when there is none,
or the newest is older), so a bot restarted every hour still makes one a day, not one an hour.
The copy is made in a thread through a connection of its own, so the bot goes on answering.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import JobQueue

from turnout.config import Settings
from turnout.handlers.common.context import TurnoutContext
from turnout.storage import StorageError
from turnout.storage.backup import daily_backups, daily_name, make_backup, rotate

log = logging.getLogger(__name__)

BACKUP_EVERY = timedelta(days=1)
BACKUP_JOB = "daily-backup"
#: After start-up, the first backup waits this long, past the planner's catching up.
FIRST_AFTER = timedelta(minutes=1)


def first_backup_in(folder: Path, now: datetime) -> timedelta:
    """How long until the next daily backup is due, from the newest one in ``folder``."""
    found = daily_backups(folder)
    if not found:
        return FIRST_AFTER
    newest = datetime.fromtimestamp(found[-1].stat().st_mtime, UTC)
    return max(FIRST_AFTER, newest + BACKUP_EVERY - now)


def start_backups(queue: JobQueue[TurnoutContext], settings: Settings) -> None:
    folder = settings.backup_dir
    if folder is None:
        return
    first = first_backup_in(folder, datetime.now(UTC))
    # The first one on its own: a repeating job whose first run is already past when the
    # scheduler starts would wait a whole interval instead.
    queue.run_once(_backup, when=first, name=BACKUP_JOB)
    queue.run_repeating(_backup, interval=BACKUP_EVERY, first=first + BACKUP_EVERY, name=BACKUP_JOB)


async def _backup(context: TurnoutContext) -> None:
    await daily_backup(context.services.settings)


async def daily_backup(settings: Settings) -> Path | None:
    """Write today's backup and rotate; a failure is logged (at ERROR), never raised: the bot
    goes on, and the next day tries again."""
    folder = settings.backup_dir
    secret = settings.backup_secret()
    if folder is None or secret is None:
        return None
    out = folder / daily_name(datetime.now(UTC))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        size = await asyncio.to_thread(make_backup, settings.database, settings.key(), secret, out)
        gone = await asyncio.to_thread(rotate, folder, settings.backup_keep)
    except (OSError, StorageError) as error:
        log.error("the daily backup to %s failed: %s", folder, error)
        return None
    log.info(
        "backup written: %s (%.1f MB); %d older one(s) rotated out",
        out,
        size / 1024 / 1024,
        len(gone),
    )
    return out
