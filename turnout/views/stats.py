"""``/stats`` as organisers read it: the counts, in one message."""

from __future__ import annotations

import html

from turnout.i18n import N_, Html, Translator
from turnout.storage import Answer, ReportStatus, Stats

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


def stats_text(t: Translator, stats: Stats, about: str) -> str:
    """ "2 RSVPs: 1 going, 1 maybe, 0 can't go, 0 on the waitlist", and so on."""
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
        ]
    )
