""" "Send us your photos" (README, "Action day"): a while after an action's end
(``TURNOUT_PHOTOS_AFTER``), everyone who checked in, or everyone going when nobody did, is
thanked and asked for photos and videos, with a button that opens a report about that action.

Once per person: the thank-you is queued in the transaction that marks the action asked, and
the outbox keeps one row per person for it, so a restart sends no second copy.
"""

from __future__ import annotations

import logging

from turnout.limits import ACTION_DAY_LATEST
from turnout.usecases.services import Services
from turnout.views.safety import photo_ask

log = logging.getLogger(__name__)


async def ask_due(s: Services) -> int:
    """The thank-yous due now: how many actions' were handed to the outbox."""
    now, asked = s.now(), 0
    for action in await s.store.due_photo_asks(now, s.settings.photos_after, ACTION_DAY_LATEST):
        recipients = await s.store.photo_recipients(action.id)
        messages = [
            (
                person.user_id,
                photo_ask(s.translator(person.language), action).to_payload().to_json(),
            )
            for person in recipients
        ]
        queued = await s.store.queue_photo_ask(
            action.id, messages, now, expires_at=now + ACTION_DAY_LATEST
        )
        if queued is not None:
            asked += 1
            log.info("thank-you of action %d: %d asked for photos", action.id, queued)
    return asked
