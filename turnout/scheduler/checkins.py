"""When "I'm here" is open, and how near a shared location must be to confirm it (README,
"Action day"): pure rules, no I/O.

Check-in opens ``CHECKIN_OPENS`` (an hour) before the start and closes at the end; the day's
numbers stay on the organisers' card a while longer (``ACTION_DAY_LATEST``), for the safety
check and the thank-you after it. A location confirms a check-in within
``CHECKIN_RADIUS_METRES`` of the action's point, measured on the great circle.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from turnout.limits import ACTION_DAY_LATEST, CHECKIN_OPENS, CHECKIN_RADIUS_METRES
from turnout.places import distance_km
from turnout.storage import Action, ActionStatus


class Window(StrEnum):
    """Where an action stands for check-in at one moment."""

    NOT_YET = "not_yet"
    OPEN = "open"
    OVER = "over"
    CANCELLED = "cancelled"


def checkin_opens(action: Action) -> datetime:
    return action.starts_at - CHECKIN_OPENS


def checkin_window(action: Action, now: datetime) -> Window:
    if action.status is ActionStatus.CANCELLED:
        return Window.CANCELLED
    if now < checkin_opens(action):
        return Window.NOT_YET
    return Window.OPEN if now < action.end else Window.OVER


def checkin_open(action: Action, now: datetime) -> bool:
    """ "I'm here" is offered from an hour before the start until the end."""
    return checkin_window(action, now) is Window.OPEN


def on_the_day(action: Action, now: datetime) -> bool:
    """From check-in's opening until a while after the end: the card shows the day's numbers."""
    return checkin_opens(action) <= now < action.end + ACTION_DAY_LATEST


def under_way(action: Action, now: datetime) -> bool:
    """Started, not ended, not cancelled: /actions lists it as happening now."""
    return action.status is ActionStatus.PLANNED and action.starts_at <= now < action.end


def metres_away(action: Action, latitude: float, longitude: float) -> float | None:
    """How far a point is from the action's, in metres; None when the action has no point."""
    if action.latitude is None or action.longitude is None:
        return None
    return 1000 * distance_km(latitude, longitude, action.latitude, action.longitude)


def confirms(metres: float | None) -> bool:
    """Whether a location that far away confirms a check-in (never without a point)."""
    return metres is not None and metres <= CHECKIN_RADIUS_METRES


def is_last_reminder(action: Action, minutes: int) -> bool:
    """Whether the reminder ``minutes`` before ``action`` is its last (its smallest offset),
    or one due once check-in is open: it carries "I'm here"."""
    return timedelta(minutes=minutes) <= CHECKIN_OPENS or minutes <= min(
        action.reminder_minutes, default=minutes
    )
