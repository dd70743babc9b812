"""What organisers see when they review a report: the card, its buttons, the outcome."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.i18n import N_, Html, Translator
from turnout.storage import Channel, Report, ReportMedia, ReportStatus
from turnout.views.buttons import PublishReport, ReviewReport, ReviewVerb
from turnout.views.members import pseudonym_in
from turnout.views.reply import Reply
from turnout.views.reports import STATUS_WORDS, contents
from turnout.views.timefmt import local_time

ALBUM_LIMIT = 10
MESSAGE_LIMIT = 4096
# Of a report's text, what the review card shows (the card must stay under MESSAGE_LIMIT).
CARD_TEXT = 3000
_ALBUM_FAMILY = {"photo": "visual", "video": "visual", "document": "document"}

# How the member is told about the decision: of a report about an action, and of one about no
# particular action.
OUTCOME_FOR_MEMBER = {
    ReportStatus.APPROVED: N_("review.told.approved"),
    ReportStatus.REJECTED: N_("review.told.rejected"),
    ReportStatus.FLAGGED: N_("review.told.flagged"),
}
OUTCOME_WITHOUT_ACTION = {
    ReportStatus.APPROVED: N_("review.told.approved_no_action"),
    ReportStatus.REJECTED: N_("review.told.rejected_no_action"),
    ReportStatus.FLAGGED: N_("review.told.flagged_no_action"),
}


def review_card(
    t: Translator,
    report: Report,
    action_title: str | None,
    who: str,
    timezone: str,
    scope: int | None,
    waiting: int,
) -> Reply:
    """The report under its media: what, when, where, who (pseudonym), and the decisions.
    ``scope``: the action ``/review`` was limited to, kept through Skip and Next."""
    text = _card_text(t, report, action_title, who, timezone)
    text += "\n\n" + t.plural("review.waiting", waiting)

    def decide(verb: ReviewVerb, label: str) -> InlineKeyboardButton:
        return ReviewReport(verb, report.id, scope).button(t(label))

    markup = InlineKeyboardMarkup(
        [
            [
                decide(ReviewVerb.APPROVE, N_("review.button.approve")),
                decide(ReviewVerb.REJECT, N_("review.button.reject")),
                decide(ReviewVerb.FLAG, N_("review.button.flag")),
            ],
            [decide(ReviewVerb.SKIP, N_("review.button.skip"))],
        ]
    )
    return Reply(text, markup)


def decided_card(
    t: Translator,
    report: Report,
    action_title: str | None,
    who: str,
    timezone: str,
    decided_by: str | None,
    scope: int | None,
    *,
    can_publish: bool = True,
) -> Reply:
    """The card after a decision: its outcome (and whose, if another organiser's) and Next;
    Publish for an approved report, to those who may publish (organisers, not hosts)."""
    text = _card_text(t, report, action_title, who, timezone)
    status = t(STATUS_WORDS[report.status])
    if decided_by is None:
        outcome = t("review.outcome", status=status)
    else:
        outcome = t("review.decided_by", status=status, name=decided_by)
    lines = [text, "", outcome]
    if report.review_note:
        lines.append(t("review.reason_line", reason=report.review_note))
    next_report = ReviewReport(ReviewVerb.NEXT, report.id, scope)
    rows = [[next_report.button(t("review.button.next"))]]
    if report.status is ReportStatus.APPROVED and can_publish:
        rows.insert(0, [PublishReport(report.id).button(t("review.button.publish"))])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


def channel_choice(t: Translator, report_id: int, channels: Sequence[Channel]) -> Reply:
    rows = [[PublishReport(report_id, c.chat_id).button(c.title[:60])] for c in channels]
    return Reply(t("publish.choose_channel", id=report_id), InlineKeyboardMarkup(rows))


def publication_texts(t: Translator, report: Report, action_title: str | None) -> list[str]:
    """The post: the member's words and the action, never who sent it. One message, or the
    words cut into several when they are longer than Telegram's 4,096 characters."""
    about = action_title or t("publish.no_action")
    if not report.text:
        return [t("publish.text_bare", about=about)]
    if len(report.text) + len(about) + 4 <= MESSAGE_LIMIT:
        return [t("publish.text", text=report.text, about=about)]
    pieces = [
        t("publish.piece", text=piece) for piece in cut_text(report.text, MESSAGE_LIMIT - 100)
    ]
    return [*pieces, t("publish.text_bare", about=about)]


def cut_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a paragraph, line or word if one is near."""
    pieces = []
    while len(text) > limit:
        cut = max(text.rfind(mark, 0, limit) for mark in ("\n\n", "\n", " "))
        if cut < limit // 2:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def media_batches(media: Sequence[ReportMedia]) -> list[list[ReportMedia]]:
    """How to show media in the order sent: runs of photos and videos as albums of up to ten
    (Telegram mixes them in one album), runs of documents as albums of their own, and voice
    notes and animations (which cannot be in an album) one by one."""
    batches: list[list[ReportMedia]] = []
    for item in media:
        family = _ALBUM_FAMILY.get(item.kind)
        last = batches[-1] if batches else None
        if (
            family is not None
            and last is not None
            and _ALBUM_FAMILY.get(last[0].kind) == family
            and len(last) < ALBUM_LIMIT
        ):
            last.append(item)
        else:
            batches.append([item])
    return batches


def _card_text(
    t: Translator, report: Report, action_title: str | None, who: str, timezone: str
) -> str:
    lines = [
        t("review.title", id=report.id, about=action_title or t("report.no_action")),
        t("review.contents", contents=contents(t, report)),
    ]
    if report.submitted_at is not None:
        sent = local_time(report.submitted_at, timezone, t.language)
        lines.append(t("review.sent", when=sent, who=pseudonym_in(t, who)))
    if report.latitude is not None and report.longitude is not None:
        link = f"https://maps.google.com/?q={report.latitude:.5f},{report.longitude:.5f}"
        lines.append(t("review.location", link=Html(f'<a href="{link}">'), end=Html("</a>")))
    if report.text:
        if len(report.text) > CARD_TEXT:
            shown = cut_text(report.text, CARD_TEXT)[0]
            lines += [
                "",
                t("review.text", text=shown),
                t.plural("review.text_cut", len(report.text)),
            ]
        else:
            lines += ["", t("review.text", text=report.text)]
    return "\n".join(lines)


def member_told(
    t: Translator, report_id: int, status: ReportStatus, about: str | None, note: str | None
) -> str:
    """What a member is told of the decision on their report (in their language)."""
    if about:
        lines = [t(OUTCOME_FOR_MEMBER[status], id=report_id, about=about)]
    else:
        lines = [t(OUTCOME_WITHOUT_ACTION[status], id=report_id)]
    if note:
        lines.append(t("report.note", note=note))
    return "\n".join(lines)


def decided_first(t: Translator, report: Report, by: str | None) -> str:
    """The toast under a decision that came second: who was first, and what they decided."""
    status = t(STATUS_WORDS[report.status])
    return t("review.decided_first", name=by or t("review.another_organiser"), status=status)
