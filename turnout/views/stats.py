"""``/stats`` as organisers read it: the counts, in one message."""

from __future__ import annotations

from turnout.i18n import Translator
from turnout.storage import Answer, ReportStatus, Stats
from turnout.views.actions import answer_name
from turnout.views.reports import STATUS_WORDS


def stats_text(t: Translator, stats: Stats, about: str) -> str:
    rsvps = ", ".join(
        f"{answer_name(t, answer)}: {stats.rsvps.get(answer, 0)}" for answer in Answer
    )
    reports = ", ".join(
        f"{t(STATUS_WORDS[status])}: {stats.reports.get(status, 0)}"
        for status in ReportStatus
        if status is not ReportStatus.DRAFT
    )
    return t(
        "stats.text",
        about=about,
        rsvps=rsvps,
        reports=reports,
        members=stats.members,
        subscribers=stats.subscribers,
        reachable=stats.reachable,
    )
