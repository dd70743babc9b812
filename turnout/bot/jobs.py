"""The scheduled jobs, on python-telegram-bot's JobQueue, and the hooks use cases wake them by.

The database says what is due; the JobQueue only wakes the use cases that act on it. The
planner runs at the next due moment (and every minute besides, as a safety net, and at start-up
to catch up on what fell due while the bot was down); announcements to the review chat wait a
few seconds for others to join them; the retention purge runs nightly; the heartbeat shows the
loop is alive; every few seconds the owners are told of new sensitive moves in the audit log.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import time, timedelta
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from turnout.bot.backups import start_backups
from turnout.bot.health import BEAT_EVERY, beat
from turnout.handlers.common.albums import cancel_albums_of
from turnout.handlers.common.context import BotData, TurnoutContext
from turnout.handlers.common.menus import publish_user_menu
from turnout.handlers.routes import COMMANDS, FLOWS
from turnout.limits import LIVE_CARD_EVERY
from turnout.usecases.checkins import refresh_live_cards
from turnout.usecases.due import run_due
from turnout.usecases.owners import tell_owners
from turnout.usecases.retention import purge_expired
from turnout.usecases.review_chat import announce_new_reports, send_digest

log = logging.getLogger(__name__)

TurnoutApplication = Application[Any, Any, Any, Any, BotData, Any]

PLANNER = "planner"
#: The safety net: even with no wake-up booked, the planner looks at least this often.
SWEEP_EVERY = 60.0
NOTICE_JOB = "review-notice"
#: How long after a submission the announcement waits for others to join it.
NOTICE_BATCH = timedelta(seconds=20)
DIGEST_JOB = "review-digest"
RETENTION_JOB = "retention"
#: One per action: the refresh of its organisers' cards on the day, booked by a check-in.
LIVE_CARD_JOB = "live-cards"
#: Quiet hours, local time.
PURGE_AT = time(3, 30)
OWNERS_JOB = "owner-notices"
#: How often the owners' sweep reads the audit log (one indexed read when nothing happened).
#: Polling finds every move, the command line's in another process included, with no use case
#: having to remember to wake it; a notice reaches the owners within seconds.
OWNERS_EVERY = 5.0


class ApplicationHooks:
    """What use cases ask of the running application (``turnout.usecases.services.Hooks``)."""

    def __init__(self, application: TurnoutApplication) -> None:
        self._application = application
        # When each action's cards were last refreshed (monotonic seconds): in memory only,
        # since after a restart a card is simply brought up to date at the next check-in.
        self._cards_refreshed: dict[int, float] = {}

    async def planner_changed(self) -> None:
        await book_planner(self._application)

    def report_submitted(self) -> None:
        queue = self._application.job_queue
        if queue is None or queue.get_jobs_by_name(NOTICE_JOB):
            return
        queue.run_once(_announce, when=NOTICE_BATCH, name=NOTICE_JOB)

    def checkins_changed(self, action_id: int) -> None:
        """Refresh the action's live cards now, or once ``LIVE_CARD_EVERY`` has passed since
        the last refresh; a refresh already booked takes this check-in along."""
        queue = self._application.job_queue
        name = f"{LIVE_CARD_JOB}:{action_id}"
        if queue is None or queue.get_jobs_by_name(name):
            return
        now, every = monotonic(), LIVE_CARD_EVERY.total_seconds()
        for action, at in list(self._cards_refreshed.items()):
            if at + every <= now:
                del self._cards_refreshed[action]
        wait = max(0.0, self._cards_refreshed.get(action_id, now - every) + every - now)
        queue.run_once(self._refresh_cards, when=wait, name=name, data=action_id)

    async def _refresh_cards(self, context: TurnoutContext) -> None:
        assert context.job is not None
        action_id = context.job.data
        assert isinstance(action_id, int)
        self._cards_refreshed[action_id] = monotonic()
        await refresh_live_cards(context.services, action_id)

    async def roles_changed(self, user_id: int) -> None:
        await publish_user_menu(self._application.bot_data.services, COMMANDS, user_id)

    async def forgotten(self, user_id: int) -> None:
        """What the running bot holds in memory about them goes too, and their own menu."""
        application = self._application
        application.drop_user_data(user_id)
        application.drop_chat_data(user_id)
        queue = application.job_queue
        if queue is not None:
            cancel_albums_of(queue, user_id)
        data: BotData = application.bot_data
        data.flood.forget(user_id)
        data.file_flood.forget(user_id)
        with contextlib.suppress(TelegramError):
            await application.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))


def start_jobs(application: TurnoutApplication) -> None:
    """At start-up: the planner now (catching up on the downtime) and its sweep; the review
    chat's catch-up and digest; the retention purge; the heartbeat."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    settings = application.bot_data.settings
    queue.run_once(_plan, when=0, name=PLANNER)
    queue.run_repeating(_plan, interval=SWEEP_EVERY, first=SWEEP_EVERY, name="planner-sweep")
    if settings.review_chat_id is not None:
        queue.run_once(_announce, when=0, name=NOTICE_JOB)
        if settings.digest_hour is not None:
            at = time(settings.digest_hour, tzinfo=ZoneInfo(settings.timezone))
            queue.run_daily(_digest, time=at, name=DIGEST_JOB)
    if settings.retention_days:
        queue.run_once(_purge, when=30, name=RETENTION_JOB)
        queue.run_daily(_purge, time=PURGE_AT.replace(tzinfo=settings.zone), name=RETENTION_JOB)
    queue.run_repeating(beat, interval=BEAT_EVERY, name="heartbeat")
    start_backups(queue, settings)
    # At start-up too: moves made while the bot was down, or by the command line.
    queue.run_repeating(_tell_owners, interval=OWNERS_EVERY, first=0, name=OWNERS_JOB)


async def _tell_owners(context: TurnoutContext) -> None:
    await tell_owners(context.services)


async def book_planner(application: TurnoutApplication) -> None:
    """Book a run of the planner at the next due moment (replacing any earlier booking)."""
    queue = application.job_queue
    if queue is None:
        return
    data: BotData = application.bot_data
    next_due = await data.services.store.next_planned_due(data.settings.photos_after)
    for job in queue.get_jobs_by_name(PLANNER):
        job.schedule_removal()
    if next_due is None:
        return
    delay = max(0.0, (next_due - data.clock()).total_seconds())
    queue.run_once(_plan, when=timedelta(seconds=delay), name=PLANNER)


async def _plan(context: TurnoutContext) -> None:
    """The planner's run: everything due, then the next booking."""
    keyboards = frozenset(name for name, flow in FLOWS.items() if flow.reply_keyboard)
    await run_due(context.services, keyboards)
    await book_planner(context.application)


async def _announce(context: TurnoutContext) -> None:
    await announce_new_reports(context.services)


async def _digest(context: TurnoutContext) -> None:
    await send_digest(context.services)


async def _purge(context: TurnoutContext) -> None:
    await purge_expired(context.services)
