"""The retention period (``TURNOUT_RETENTION_DAYS``): a daily purge of old reports and answers.

Counted from the action's start (actions have no end time; they are over the same day); reports
about no action are counted from their submission. Exports made before stay wherever the
organiser put them. 0 keeps everything.
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application

from turnout.bot.context import BotData, TurnoutContext
from turnout.storage import Purged

log = logging.getLogger(__name__)

JOB_NAME = "retention"
#: Quiet hours, local time.
PURGE_AT = time(3, 30)


async def purge_expired(data: BotData) -> Purged | None:
    """Purge what is older than the retention period; None when it is off."""
    days = data.settings.retention_days
    if days == 0:
        return None
    now = data.clock()
    purged = await data.store.purge_before(now - timedelta(days=days), now)
    if purged.reports or purged.answers:
        log.info(
            "retention: %d report(s), %d media record(s) and %d answer(s) purged",
            purged.reports,
            purged.media,
            purged.answers,
        )
    return purged


async def _purge(context: TurnoutContext) -> None:
    await purge_expired(context.bot_data)


def start_retention(application: Application) -> None:  # type: ignore[type-arg]
    """Once soon after start-up (catching up on downtime), then every night."""
    data: BotData = application.bot_data
    queue = application.job_queue
    if queue is None or data.settings.retention_days == 0:
        return
    queue.run_once(_purge, when=30, name=JOB_NAME)
    at = PURGE_AT.replace(tzinfo=ZoneInfo(data.settings.timezone))
    queue.run_daily(_purge, time=at, name=JOB_NAME)
