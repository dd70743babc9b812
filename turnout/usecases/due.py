"""Timed work: what the scheduler hands to the outbox when its time has come.

The database says what is due; the scheduler (``turnout.bot.jobs``) only wakes this. Each run
hands every due reminder to the outbox (one row per recipient, in their language and time zone,
expiring when the action starts), every due change notice, every scheduled call, and tells
people whose question lapsed unanswered. Each is queued and marked done in one transaction, and
the outbox purposes are unique, so a run repeated after a crash queues nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from turnout.delivery import Payload
from turnout.i18n import Translator
from turnout.scheduler.reminders import sort_due
from turnout.storage import Action, Recipient
from turnout.storage.purposes import Reminder
from turnout.usecases import calls, checkins, photos, safety
from turnout.usecases.services import Services
from turnout.views.actions import change_notice
from turnout.views.prompts import lapsed

log = logging.getLogger(__name__)
T = TypeVar("T")


async def run_due(s: Services, reply_keyboards: frozenset[str]) -> int:
    """Everything due now; how many things were handed on (the outbox is woken for them).
    ``reply_keyboards``: the flows whose questions leave a reply keyboard (``lapse_prompts``)."""
    done = (
        await send_reminders(s)
        + await send_notices(s)
        + await calls.publish_due(s)
        + await lapse_prompts(s, reply_keyboards)
        + await safety.ask_due(s)
        + await photos.ask_due(s)
    )
    if done:
        s.outbox.wake()
    return done


def _to_each(
    s: Services,
    recipients: Sequence[Recipient],
    write: Callable[[Translator, Action, T, str], str],
    action: Action,
    what: T,
) -> list[tuple[int, str]]:
    """One message per person about ``action`` (``write(t, action, what, zone)``), in their
    language and for their time zone."""
    return [
        (
            person.user_id,
            Payload(write(s.translator(person.language), action, what, person.timezone)).to_json(),
        )
        for person in recipients
    ]


async def send_reminders(s: Services) -> int:
    """The reminders due now; several of one action that fell due together (the bot was down)
    make one, the latest; those of an action that started or changed are skipped."""
    now, store = s.now(), s.store
    send, skip = sort_due(await store.due_reminders(now), now)
    for due in skip:
        await store.skip_reminder(due.action.id, due.revision, due.offset_minutes)
        log.info("reminder %dm of action %d skipped", due.offset_minutes, due.action.id)
    for due in send:
        action, minutes = due.action, due.offset_minutes
        recipients = await store.reminder_recipients(action.id, minutes)
        # The last one carries "I'm here" for those going.
        messages = await checkins.reminder_messages(s, action, minutes, recipients)
        # Queued and settled in one transaction, and only while the reminder is still planned:
        # a time changed since it was read makes this a no-op instead of a stale reminder.
        queued = await store.enqueue_reminder(
            Reminder(action.id, due.revision, minutes), messages, now, expires_at=action.starts_at
        )
        log.info("reminder %dm of action %d: %d recipients", minutes, action.id, queued)
    return len(send)


async def send_notices(s: Services) -> int:
    """Change notices due now, to everyone who answered, each in their zone and language."""
    now, store = s.now(), s.store
    due = await store.due_notices(now)
    for notice_id, action, changes in due:
        recipients = await store.rsvp_recipients(action.id)
        messages = _to_each(s, recipients, change_notice, action, changes)
        await store.enqueue_notice(notice_id, (action, changes), messages, now)
        log.info("change notice of action %d: %d recipients", action.id, len(messages))
    return len(due)


async def lapse_prompts(s: Services, reply_keyboards: frozenset[str]) -> int:
    """Questions nobody answered in time: closed, and their person told so, once. The notice
    of a question of one of the ``reply_keyboards`` flows takes its keyboard ("Share my
    location") away: pressed later, it would send to whatever takes messages then."""
    now, store = s.now(), s.store
    minutes = int(s.settings.prompt_timeout.total_seconds() // 60)
    told = 0
    for prompt in await store.expired_prompts(now):
        t = await s.translator_of(prompt.user_id)
        notice = Payload(
            lapsed(t, prompt.flow, minutes), remove_keyboard=prompt.flow in reply_keyboards
        )
        if await store.lapse_prompt(prompt.id, notice.to_json(), now):
            told += 1
    return told
