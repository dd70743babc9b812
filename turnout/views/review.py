"""What organisers see when they review a report: the card, its buttons, the outcome."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.i18n import N_, Html, Translator
from turnout.storage import Channel, Report, ReportMedia, ReportStatus
from turnout.views.reply import Reply
from turnout.views.reports import STATUS_WORDS, contents
from turnout.views.timefmt import local_time

ALBUM_LIMIT = 10
MESSAGE_LIMIT = 4096
# Of a report's text, what the review card shows (the card must stay under MESSAGE_LIMIT).
CARD_TEXT = 3000
_ALBUM_FAMILY = {"photo": "visual", "video": "visual", "document": "document"}

# How the member is told about the decision.
OUTCOME_FOR_MEMBER = {
    ReportStatus.APPROVED: N_("review.told.approved"),
    ReportStatus.REJECTED: N_("review.told.rejected"),
    ReportStatus.FLAGGED: N_("review.told.flagged"),
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
    tail = f"{report.id}:{scope or 0}"
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("review.button.approve"), callback_data=f"rv:ok:{tail}"),
                InlineKeyboardButton(t("review.button.reject"), callback_data=f"rv:no:{tail}"),
                InlineKeyboardButton(t("review.button.flag"), callback_data=f"rv:flag:{tail}"),
            ],
            [InlineKeyboardButton(t("review.button.skip"), callback_data=f"rv:skip:{tail}")],
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
    next_data = f"rv:next:{report.id}:{scope or 0}"
    rows = [[InlineKeyboardButton(t("review.button.next"), callback_data=next_data)]]
    if report.status is ReportStatus.APPROVED and can_publish:
        publish = InlineKeyboardButton(t("review.button.publish"), callback_data=f"pub:{report.id}")
        rows.insert(0, [publish])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


def channel_choice(t: Translator, report_id: int, channels: Sequence[Channel]) -> Reply:
    rows = [
        [InlineKeyboardButton(c.title[:60], callback_data=f"pub:{report_id}:{c.chat_id}")]
        for c in channels
    ]
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
        t("review.title", id=report.id, about=action_title or t("report.other")),
        t("review.contents", contents=contents(t, report)),
    ]
    if report.submitted_at is not None:
        sent = local_time(report.submitted_at, timezone, t.language)
        lines.append(t("review.sent", when=sent, who=who))
    if report.latitude is not None and report.longitude is not None:
        link = f"https://maps.google.com/?q={report.latitude:.5f},{report.longitude:.5f}"
        lines.append(t("review.location", link=Html(f'<a href="{link}">'), end=Html("</a>")))
    if report.text:
        if len(report.text) > CARD_TEXT:
            shown = cut_text(report.text, CARD_TEXT)[0]
            lines += [
                "",
                t("review.text", text=shown),
                t("review.text_cut", total=len(report.text)),
            ]
        else:
            lines += ["", t("review.text", text=report.text)]
    return "\n".join(lines)


def reason_prompt(t: Translator, report_id: int, flag: bool) -> Reply:
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("review.button.no_reason"), callback_data=f"rv:bare:{report_id}")]]
    )
    return Reply(t("review.ask_flag_reason" if flag else "review.ask_reason"), markup)
