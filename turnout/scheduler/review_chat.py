"""What the review chat (``TURNOUT_REVIEW_CHAT_ID``) is told: new reports and a daily digest.

New reports are announced together: the first submission books a run a few seconds later, and
that run announces every report submitted meanwhile in one message. The reports are marked as
announced in the same transaction that queues the message, so a restart neither repeats nor
loses an announcement (the planner's sweep picks up what a restart left). Members appear by
their pseudonym, with their first name only if they chose to show it (DESIGN.md §2.5).
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application

from turnout.bot.context import BotData, TurnoutContext
from turnout.delivery import Payload
from turnout.pseudonym import shown_as
from turnout.views.reports import digest_text, review_notices

log = logging.getLogger(__name__)

NOTICE_JOB = "review-notice"
DIGEST_JOB = "review-digest"
#: How long after a submission the announcement waits for others to join it.
NOTICE_BATCH = timedelta(seconds=20)
#: At most this many reports in one message, and at most this long (Telegram's limit is 4096).
NOTICE_MOST = 25
NOTICE_CHARACTERS = 3800


async def announce_new_reports(data: BotData) -> int:
    """Queue one message for the reports not yet announced; return how many it names."""
    chat = data.settings.review_chat_id
    if chat is None:
        return 0
    key = await data.store.pseudonym_key()
    t = data.catalogs.translator(data.catalogs.default_language)
    told = 0
    while reports := await data.store.unnoticed_reports(NOTICE_MOST):
        titles = {}
        for report in reports:
            if report.action_id is not None and report.action_id not in titles:
                action = await data.store.action(report.action_id)
                titles[report.action_id] = action.title if action else None
        names = await data.store.names_shown([report.user_id for report in reports])
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
        payload = Payload(text)
        ids = [report.id for report, _, _ in entries]
        purpose = f"review-notice:{ids[0]}-{ids[-1]}"
        await data.store.enqueue_review_notice(ids, purpose, chat, payload.to_json(), data.clock())
        told += len(ids)
    if told:
        data.outbox.wake()
        log.info("review chat told of %d new report(s)", told)
    return told


def book_announcement(application: Application) -> None:  # type: ignore[type-arg]
    """After a submission: announce in a moment, with whatever else arrives meanwhile."""
    queue = application.job_queue
    if queue is None or queue.get_jobs_by_name(NOTICE_JOB):
        return
    queue.run_once(_announce, when=NOTICE_BATCH, name=NOTICE_JOB)


async def _announce(context: TurnoutContext) -> None:
    await announce_new_reports(context.bot_data)


async def send_digest(data: BotData) -> bool:
    """Queue today's digest (once per local day, whatever the restarts); False if none."""
    chat = data.settings.review_chat_id
    if chat is None:
        return False
    now = data.clock()
    zone = ZoneInfo(data.settings.timezone)
    numbers = await data.store.digest_numbers(now - timedelta(days=1))
    upcoming = [
        (action, await data.store.rsvp_counts(action.id))
        for action in await data.store.upcoming_actions(now, 10)
        if action.starts_at <= now + timedelta(days=2)
    ]
    t = data.catalogs.translator(data.catalogs.default_language)
    text = digest_text(t, numbers, upcoming, data.settings.timezone)
    day = now.astimezone(zone).date().isoformat()
    await data.outbox.enqueue(f"digest:{day}", [(chat, Payload(text))])
    return True


async def _digest(context: TurnoutContext) -> None:
    await send_digest(context.bot_data)


def start_review_chat_jobs(application: Application) -> None:  # type: ignore[type-arg]
    """At start-up: announce what a restart left, and book the daily digest if one is set."""
    data: BotData = application.bot_data
    queue = application.job_queue
    if queue is None or data.settings.review_chat_id is None:
        return
    queue.run_once(_announce, when=0, name=NOTICE_JOB)
    hour = data.settings.digest_hour
    if hour is not None:
        at = time(hour, tzinfo=ZoneInfo(data.settings.timezone))
        queue.run_daily(_digest, time=at, name=DIGEST_JOB)
