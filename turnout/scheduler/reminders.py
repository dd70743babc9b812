"""Reminder planning: which reminders an action gets, and what to do with those that are due.

Pure functions; ``planner`` does the I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from turnout.storage import ActionStatus, DueReminder


def plan_reminders(
    starts_at: datetime, minutes_before: Sequence[int], now: datetime
) -> list[tuple[int, datetime]]:
    """(minutes before, due at) of each reminder still ahead: one due already when the action
    is planned (a "24h" reminder for an action in 3 hours) is left out, not sent at once."""
    plan = {
        minutes: starts_at - timedelta(minutes=minutes)
        for minutes in minutes_before
        if starts_at - timedelta(minutes=minutes) > now
    }
    return sorted(plan.items(), key=lambda item: item[1])


def sort_due(
    due: Iterable[DueReminder], now: datetime
) -> tuple[list[DueReminder], list[DueReminder]]:
    """Split due reminders into (send, skip).

    Skipped: those of an action that has started or is no longer planned, those of an older
    time (revision), and, when several of one action fell due together (the bot was down),
    all but the latest: one reminder, the most recent, is enough.
    """
    send: list[DueReminder] = []
    skip: list[DueReminder] = []
    latest: dict[int, DueReminder] = {}
    for reminder in due:
        action = reminder.action
        if (
            action.status is not ActionStatus.PLANNED
            or action.starts_at <= now
            or reminder.revision != action.revision
        ):
            skip.append(reminder)
            continue
        kept = latest.get(action.id)
        if kept is None or reminder.due_at > kept.due_at:
            if kept is not None:
                skip.append(kept)
            latest[action.id] = reminder
        else:
            skip.append(reminder)
    send.extend(latest.values())
    return send, skip
