"""An action as an iCalendar file (RFC 5545), for "Add to calendar"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from turnout.storage import Action


def action_calendar(action: Action, domain: str, link: str, now: datetime) -> bytes:
    """One VEVENT: UID stable per action (so a second import updates, not duplicates), its
    start and end in UTC, place, description with the bot link, and an alarm at the first
    reminder."""
    calendar = Calendar()
    calendar.add("prodid", "-//Turnout//Turnout//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"action-{action.id}@{domain}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", action.starts_at.astimezone(UTC))
    event.add("dtend", action.end.astimezone(UTC))
    event.add("summary", action.title)
    description = "\n\n".join(part for part in (action.description, link) if part)
    event.add("description", description)
    if action.place:
        event.add("location", action.place)
    if action.latitude is not None and action.longitude is not None:
        event.add("geo", (action.latitude, action.longitude))
    event.add("sequence", action.revision)
    event.add("url", link)
    if action.reminder_minutes:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", action.title)
        alarm.add("trigger", -timedelta(minutes=max(action.reminder_minutes)))
        event.add_component(alarm)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
