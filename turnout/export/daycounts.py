"""The day of an action as an export writes it, in ``actions.csv`` and ``actions.geojson``:
counts only, never who checked in or who needed help (README, "Action day").

Counts can still point at someone. ``rsvps.csv`` lists who was going, by pseudonym: at an
action where two were going, both checked in and one needed help, each of the two is one in
two; where one was there and needed help, that one is named by the count. So the safety
answers of an action with fewer than ``SAFETY_SHOWN_FROM`` people checked in are withheld
(``safety_check`` says so); ``/stats``, for the organisers who are the safety team, shows them.
"""

from __future__ import annotations

from turnout.storage.records import DayNumbers

#: The fewest people checked in for an export to count their answers to "Are you safe?".
SAFETY_SHOWN_FROM = 5

DAY_COLUMNS = [
    "going", "here", "here_confirmed", "safety_check", "safe", "need_help", "no_answer",
    "reports", "reports_per_attendee", "attendees_counted",
]  # fmt: skip
"""``safety_check``: ``asked``, ``not_asked`` or ``withheld`` (fewer than five checked in), with
the three answers counted only when ``asked``. Reports per attendee are per those here
(``attendees_counted`` ``here``), or per those going where nobody checked in (``going``), and
empty with neither."""


def day_counts(day: DayNumbers) -> dict[str, int | float | str | None]:
    """``DAY_COLUMNS`` of one action; None where there is nothing to say."""
    safety = day.safety
    if safety is None:
        check = "not_asked"
    elif day.attendance.here < SAFETY_SHOWN_FROM:
        check, safety = "withheld", None
    else:
        check = "asked"
    ratio = day.reports_per_attendee
    return {
        "going": day.attendance.going,
        "here": day.attendance.here,
        "here_confirmed": day.attendance.confirmed,
        "safety_check": check,
        "safe": safety.safe if safety else None,
        "need_help": safety.help if safety else None,
        "no_answer": safety.no_answer if safety else None,
        "reports": day.reports,
        "reports_per_attendee": None if ratio is None else round(ratio, 2),
        "attendees_counted": day.per.value if day.per else None,
    }
