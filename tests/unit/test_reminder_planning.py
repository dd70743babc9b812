from __future__ import annotations

from datetime import UTC, datetime, timedelta

from turnout.scheduler.reminders import plan_reminders, sort_due
from turnout.storage import Action, ActionStatus, DueReminder

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def action(**changes: object) -> Action:
    values: dict[str, object] = {
        "id": 1, "title": "Rally", "description": "", "starts_at": NOW + timedelta(hours=3),
        "timezone": "UTC", "place": "", "latitude": None, "longitude": None, "capacity": None,
        "reminder_minutes": (1440, 120), "status": ActionStatus.PLANNED, "revision": 1,
        "created_by": 1,
    }  # fmt: skip
    values.update(changes)
    return Action(**values)  # type: ignore[arg-type]


def due(minutes: int, at: datetime, **changes: object) -> DueReminder:
    subject = action(**changes)
    return DueReminder(subject, subject.revision, minutes, at)


def test_reminders_already_past_when_planned_are_left_out() -> None:
    starts = NOW + timedelta(hours=3)
    assert plan_reminders(starts, (1440, 120, 15), NOW) == [
        (120, starts - timedelta(hours=2)),
        (15, starts - timedelta(minutes=15)),
    ]


def test_reminders_are_planned_in_time_order_without_duplicates() -> None:
    starts = NOW + timedelta(days=3)
    planned = plan_reminders(starts, (120, 1440, 120), NOW)
    assert [minutes for minutes, _ in planned] == [1440, 120]


def test_only_the_latest_of_several_overdue_reminders_is_sent() -> None:
    older = due(1440, NOW - timedelta(hours=21))
    newer = due(120, NOW - timedelta(minutes=1))
    send, skip = sort_due([older, newer], NOW)
    assert send == [newer]
    assert skip == [older]


def test_nothing_is_sent_for_an_action_that_started_or_was_cancelled() -> None:
    started = due(120, NOW - timedelta(hours=3), starts_at=NOW - timedelta(minutes=1))
    cancelled = due(120, NOW, status=ActionStatus.CANCELLED)
    send, skip = sort_due([started, cancelled], NOW)
    assert send == []
    assert skip == [started, cancelled]


def test_a_reminder_of_an_older_time_is_skipped() -> None:
    subject = action(revision=2)
    stale = DueReminder(subject, 1, 120, NOW)
    assert sort_due([stale], NOW) == ([], [stale])
