"""``/stats`` as organisers read it: the counts, in one message."""

from __future__ import annotations

import html

from babel.numbers import format_decimal

from turnout.i18n import N_, Html, Translator
from turnout.storage import Answer, Attendance, ReportStatus, SafetyCounts, Stats
from turnout.storage.records import Attendees, DayNumbers
from turnout.views.timefmt import babel_locale

#: Each answer and each status (a draft is no report yet) with the words for that many.
ANSWER_COUNTS = {
    Answer.GOING: N_("count.going"),
    Answer.MAYBE: N_("count.maybe"),
    Answer.NOT_GOING: N_("count.not_going"),
    Answer.WAITLISTED: N_("count.waitlisted"),
}
STATUS_COUNTS = {
    ReportStatus.PENDING: N_("count.pending"),
    ReportStatus.APPROVED: N_("count.approved"),
    ReportStatus.REJECTED: N_("count.rejected"),
    ReportStatus.FLAGGED: N_("count.flagged"),
}


#: Reports per attendee, by whom they are counted per: the line, and the attendees counted.
PER_ATTENDEE = {
    Attendees.HERE: (N_("stats.day.per_here"), N_("count.here")),
    Attendees.GOING: (N_("stats.day.per_going"), N_("count.going")),
    Attendees.MIXED: (N_("stats.day.per_attendee"), N_("stats.day.attendees")),
}


def stats_text(
    t: Translator, stats: Stats, about: str, day: DayNumbers | None = None, *, total: bool = False
) -> str:
    """ "2 RSVPs: 1 going, 1 maybe, 0 can't go, 0 on the waitlist", and so on; then the day
    of the action (``total``: of every action held so far) in counts."""
    answers = {answer: stats.rsvps.get(answer, 0) for answer in ANSWER_COUNTS}
    statuses = {status: stats.reports.get(status, 0) for status in STATUS_COUNTS}
    return "\n".join(
        [
            f"<b>{html.escape(about, quote=False)}</b>",
            t.plural(
                "stats.rsvps",
                sum(answers.values()),
                answers=Html(", ".join(t.plural(ANSWER_COUNTS[a], n) for a, n in answers.items())),
            ),
            t.plural(
                "stats.reports",
                sum(statuses.values()),
                statuses=Html(
                    ", ".join(t.plural(STATUS_COUNTS[s], n) for s, n in statuses.items())
                ),
            ),
            t.plural(
                "stats.members",
                stats.members,
                reachable=Html(t.plural("stats.reachable", stats.reachable)),
                subscribers=Html(t.plural("stats.subscribed", stats.subscribers)),
            ),
            *(day_lines(t, day, total=total) if day is not None else []),
        ]
    )


def day_lines(t: Translator, day: DayNumbers, *, total: bool = False) -> list[str]:
    """Going, here and confirmed; the safety check's answers once it was asked; reports per
    attendee, saying per whom. ``total``: several actions added up (none held yet: nothing)."""
    if total and not day.actions:
        return []
    attendance = Html(attendance_words(t, day.attendance))
    lines = [
        t.plural("stats.day.held", day.actions, what=attendance)
        if total
        else t("stats.day.action", what=attendance)
    ]
    if day.safety is not None:
        answers = Html(safety_words(t, day.safety))
        lines.append(
            t.plural("stats.day.safety_checks", day.safety_checks, answers=answers)
            if total
            else t("stats.day.safety", answers=answers)
        )
    ratio = day.reports_per_attendee
    if ratio is not None and day.per is not None:
        line, attendees = PER_ATTENDEE[day.per]
        lines.append(
            t(
                line,
                value=format_decimal(ratio, "#,##0.##", locale=babel_locale(t.language)),
                reports=Html(t.plural("count.reports", day.counted_reports)),
                what=Html(t.plural(attendees, day.attendees)),
            )
        )
    return lines


def attendance_words(t: Translator, attendance: Attendance) -> str:
    """ "120 going, 37 here (30 confirmed by location)"."""
    confirmed = t.plural("stats.day.confirmed", attendance.confirmed)
    return ", ".join(
        (
            t.plural("count.going", attendance.going),
            t.plural("stats.day.here", attendance.here, what=Html(confirmed)),
        )
    )


def safety_words(t: Translator, safety: SafetyCounts) -> str:
    """ "31 safe, 1 needs help, 6 no answer"."""
    return ", ".join(
        (
            t.plural("count.safe", safety.safe),
            t.plural("count.need_help", safety.help),
            t.plural("count.no_answer", safety.no_answer),
        )
    )
