"""Reports as members and organisers read them: the summary, the list, the review notice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from turnout.i18n import N_, Html, Translator
from turnout.storage import Action, DigestNumbers, Report, ReportStatus, RsvpCounts
from turnout.views.buttons import ChooseReportAction, ReportDraftStep, WithdrawReport
from turnout.views.members import pseudonym_in
from turnout.views.reply import Reply
from turnout.views.timefmt import local_time

MEDIA_WORDS = {
    "photo": N_("report.kind.photo"),
    "video": N_("report.kind.video"),
    "document": N_("report.kind.document"),
    "voice": N_("report.kind.voice"),
    "animation": N_("report.kind.animation"),
}
STATUS_WORDS = {
    ReportStatus.DRAFT: N_("report.status.draft"),
    ReportStatus.PENDING: N_("report.status.pending"),
    ReportStatus.APPROVED: N_("report.status.approved"),
    ReportStatus.REJECTED: N_("report.status.rejected"),
    ReportStatus.FLAGGED: N_("report.status.flagged"),
}


def contents(t: Translator, report: Report) -> str:
    """ "2 photos, 1 video, text, location"."""
    kinds = Counter(item.kind for item in report.media)
    parts = [t.plural(MEDIA_WORDS[kind], count) for kind, count in kinds.items()]
    if report.text:
        parts.append(t("report.has_text"))
    if report.latitude is not None:
        parts.append(t("report.has_location"))
    return ", ".join(parts) or t("report.empty")


def action_choice(t: Translator, report: int, actions: Sequence[Action]) -> Reply:
    """Which action the report ``report`` is about: one button each, then "other"."""
    rows = [[ChooseReportAction(report, action.id).button(action.title[:60])] for action in actions]
    rows.append([ChooseReportAction(report, None).button(t("report.button.other"))])
    return Reply(t("report.choose_action"), InlineKeyboardMarkup(rows))


def summary(t: Translator, report: Report, action_title: str | None) -> Reply:
    if action_title:
        text = t("report.summary", about=action_title, contents=contents(t, report))
    else:
        text = t("report.summary_no_action", contents=contents(t, report))
    markup = InlineKeyboardMarkup(
        [
            [ReportDraftStep("submit", report.id).button(t("report.button.submit"))],
            [
                ReportDraftStep("more", report.id).button(t("report.button.more")),
                ReportDraftStep("cancel", report.id).button(t("report.button.cancel")),
            ],
        ]
    )
    return Reply(text, markup)


def my_reports(t: Translator, reports: Sequence[Report], titles: dict[int, str]) -> Reply:
    if not reports:
        return Reply(t("report.none_yet"))
    lines = [t("report.mine_title"), ""]
    rows = []
    for report in reports:
        about = titles.get(report.action_id or 0) or t("report.no_action")
        lines.append(
            t("report.mine_line", id=report.id, about=about, status=t(STATUS_WORDS[report.status]))
        )
        if report.review_note:
            lines.append("   " + t("report.note", note=report.review_note))
        if report.status is ReportStatus.PENDING:
            label = t("report.button.withdraw", id=report.id)
            rows.append([WithdrawReport(report.id).button(label)])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


def review_notices(t: Translator, entries: Sequence[tuple[Report, str | None, str]]) -> str:
    """For the review chat: (report, action title, pseudonym) of each new report; never the
    member's identity, only their pseudonym."""
    if len(entries) == 1:
        report, title, who = entries[0]
        return t(
            "report.review_notice" if title else "report.review_notice_no_action",
            id=report.id,
            about=title or "",
            contents=contents(t, report),
            who=pseudonym_in(t, who),
        )
    lines = [t.plural("report.review_notices", len(entries))]
    lines += [
        t(
            "report.review_notice_line",
            id=report.id,
            about=title or t("report.no_action"),
            contents=contents(t, report),
            who=pseudonym_in(t, who),
        )
        for report, title, who in entries
    ]
    lines.append(t("report.review_notices_end"))
    return "\n".join(lines)


def digest_text(
    t: Translator,
    numbers: DigestNumbers,
    upcoming: Sequence[tuple[Action, RsvpCounts]],
    timezone: str,
) -> str:
    """The daily digest: the last 24 hours, what waits, and the actions of the next two days."""
    lines = [
        t("digest.title"),
        " · ".join(
            [
                t.plural("digest.new_reports", numbers.new_reports),
                t.plural("digest.reviewed", numbers.reviewed),
                t.plural("count.pending", numbers.pending),
            ]
        ),
        " · ".join(
            [
                t.plural("count.rsvps", numbers.rsvps),
                t.plural("digest.new_members", numbers.new_members),
            ]
        ),
    ]
    if upcoming:
        lines += ["", t("digest.upcoming")]
        lines += [
            t(
                "digest.action",
                title=action.title,
                when=local_time(action.starts_at, action.timezone or timezone, t.language),
                going=Html(t.plural("count.going", counts.going)),
                maybe=Html(t.plural("count.maybe", counts.maybe)),
            )
            for action, counts in upcoming
        ]
    return "\n".join(lines)
