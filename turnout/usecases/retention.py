"""The retention period (``TURNOUT_RETENTION_DAYS``): old reports and answers purged.

Counted from the action's start (actions have no end time; they are over the same day); reports
about no action are counted from their submission. Exports made before stay wherever the
organiser put them. 0 keeps everything.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from turnout.storage import Purged
from turnout.usecases.services import Services

log = logging.getLogger(__name__)


async def purge_expired(s: Services) -> Purged | None:
    """Purge what is older than the retention period; None when it is off."""
    days = s.settings.retention_days
    if days == 0:
        return None
    now = s.now()
    purged = await s.store.purge_before(now - timedelta(days=days), now)
    if purged.reports or purged.answers:
        log.info(
            "retention: %d report(s), %d media record(s) and %d answer(s) purged",
            purged.reports,
            purged.media,
            purged.answers,
        )
    return purged
