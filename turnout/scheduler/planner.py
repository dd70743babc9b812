"""The reminder planner: the database says what is due; PTB's JobQueue only wakes the planner.

Each run hands every due reminder to the outbox (one row per recipient, in their language and
timezone, expiring when the action starts) and records it as enqueued, or skips it. The outbox
purpose is unique per action, time revision and offset, so a run repeated after a crash between
the two steps enqueues nothing twice. After each run the planner books its next wake-up at the
next due reminder; a slow periodic run catches anything else (and the start-up run catches up on
what fell due while the bot was down).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, JobQueue

from turnout.bot.context import BotData, TurnoutContext
from turnout.delivery import Payload
from turnout.scheduler.calls import publish_call
from turnout.scheduler.reminders import sort_due
from turnout.storage import CallStatus, notice_purpose, reminder_purpose
from turnout.views.actions import change_notice, reminder

log = logging.getLogger(__name__)

JOB_NAME = "reminder-planner"
#: The safety net: even with no wake-up booked, the planner looks at least this often.
SWEEP_EVERY = 60.0


async def plan_due_reminders(data: BotData, bot_username: str) -> int:
    """Enqueue the reminders, change notices and scheduled calls due now; return how many
    reminders went."""
    now = data.clock()
    send, skip = sort_due(await data.store.due_reminders(now), now)
    for reminder_due in skip:
        action = reminder_due.action
        await data.store.settle_reminder(
            action.id, reminder_due.revision, reminder_due.offset_minutes, enqueued=False
        )
        log.info("reminder %dm of action %d skipped", reminder_due.offset_minutes, action.id)
    for reminder_due in send:
        action = reminder_due.action
        minutes = reminder_due.offset_minutes
        recipients = await data.store.reminder_recipients(action.id, minutes)
        messages = [
            (
                person.user_id,
                Payload(
                    reminder(
                        data.catalogs.translator(person.language), action, minutes, person.timezone
                    )
                ),
            )
            for person in recipients
        ]
        # Queued and settled in one transaction, and only while the reminder is still planned:
        # a time changed since it was read makes this a no-op instead of a stale reminder.
        queued = await data.store.enqueue_reminder(
            action.id,
            reminder_due.revision,
            minutes,
            reminder_purpose(action.id, reminder_due.revision, minutes),
            [(chat_id, payload.to_json()) for chat_id, payload in messages],
            now,
            expires_at=action.starts_at,
        )
        data.outbox.wake()
        log.info("reminder %dm of action %d: %d recipients", minutes, action.id, queued)
    for notice_id, action, changes in await data.store.due_notices(now):
        recipients = await data.store.rsvp_recipients(action.id)
        notices = [
            (
                person.user_id,
                Payload(
                    change_notice(
                        data.catalogs.translator(person.language), action, changes, person.timezone
                    )
                ),
            )
            for person in recipients
        ]
        await data.outbox.enqueue(notice_purpose(notice_id), notices)
        await data.store.settle_notice(notice_id)
        log.info("change notice of action %d: %d recipients", action.id, len(notices))
    for call in await data.store.due_calls(now):
        # Only if it is still scheduled: a schedule cancelled at this moment stays cancelled.
        if await data.store.set_call_status(
            call.id, CallStatus.PUBLISHED, None, now, expected=CallStatus.SCHEDULED
        ):
            await publish_call(data, call, bot_username)
    return len(send)


async def run_planner(context: TurnoutContext) -> None:
    """The JobQueue callback: plan, then book the next wake-up."""
    await plan_due_reminders(context.bot_data, context.bot.username)
    await wake_planner_at_next(context.application)


async def wake_planner_at_next(application: Application) -> None:  # type: ignore[type-arg]
    """Book a run of the planner at the next due reminder (replacing any earlier booking)."""
    data: BotData = application.bot_data
    queue: JobQueue | None = application.job_queue  # type: ignore[type-arg]
    if queue is None:
        return
    next_due = await data.store.next_planned_due()
    for job in queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    if next_due is None:
        return
    delay = max(0.0, (next_due - data.clock()).total_seconds())
    queue.run_once(run_planner, when=timedelta(seconds=delay), name=JOB_NAME)


def start_planner(application: Application) -> None:  # type: ignore[type-arg]
    """At start-up: a run now (catching up on the downtime), then the periodic sweep."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    queue.run_once(run_planner, when=0, name=JOB_NAME)
    queue.run_repeating(run_planner, interval=SWEEP_EVERY, first=SWEEP_EVERY, name="reminder-sweep")
