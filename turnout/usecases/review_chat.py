"""What the review chat (``TURNOUT_REVIEW_CHAT_ID``) is told: new reports and a daily digest.

New reports are announced together: the first submission books a run a few seconds later
(``Hooks.report_submitted``), and that run announces every report submitted meanwhile in one
message. The reports are marked as announced in the same transaction that queues the message, so
a restart neither repeats nor loses an announcement. Members appear by their pseudonym, with
their first name only if they chose to show it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from turnout.delivery import Payload
from turnout.pseudonym import shown_as
from turnout.storage.purposes import Digest
from turnout.usecases.services import Services
from turnout.views.reports import digest_text, review_notices

log = logging.getLogger(__name__)

#: At most this many reports in one message, and at most this long (Telegram's limit is 4096).
NOTICE_MOST = 25
NOTICE_CHARACTERS = 3800


async def announce_new_reports(s: Services) -> int:
    """Queue one message for the reports not yet announced; return how many it names."""
    chat = s.settings.review_chat_id
    if chat is None:
        return 0
    key = await s.store.pseudonym_key()
    t = s.translator(s.catalogs.default_language)
    told = 0
    while reports := await s.store.unnoticed_reports(NOTICE_MOST):
        titles = {}
        for report in reports:
            if report.action_id is not None and report.action_id not in titles:
                action = await s.store.action(report.action_id)
                titles[report.action_id] = action.title if action else None
        names = await s.store.names_shown([report.user_id for report in reports])
        entries = [
            (
                report,
                titles.get(report.action_id or 0),
                shown_as(key, report.user_id, names.get(report.user_id)),
            )
            for report in reports
        ]
        # As many as fit in one message (long titles make long lines); the rest go next.
        text = review_notices(t, entries)
        while len(entries) > 1 and len(text) > NOTICE_CHARACTERS:
            entries = entries[: len(entries) // 2]
            text = review_notices(t, entries)
        ids = [report.id for report, _, _ in entries]
        await s.store.enqueue_review_notice(ids, chat, Payload(text).to_json(), s.now())
        told += len(ids)
    if told:
        s.outbox.wake()
        log.info("review chat told of %d new report(s)", told)
    return told


async def send_digest(s: Services) -> bool:
    """Queue today's digest (once per local day, whatever the restarts); False if none."""
    chat = s.settings.review_chat_id
    if chat is None:
        return False
    now = s.now()
    numbers = await s.store.digest_numbers(now - timedelta(days=1))
    upcoming = [
        (action, await s.store.rsvp_counts(action.id))
        for action in await s.store.upcoming_actions(now, 10)
        if action.starts_at <= now + timedelta(days=2)
    ]
    t = s.translator(s.catalogs.default_language)
    text = digest_text(t, numbers, upcoming, s.settings.timezone)
    day = now.astimezone(ZoneInfo(s.settings.timezone)).date().isoformat()
    await s.outbox.enqueue(Digest(day), [(chat, Payload(text))])
    return True
