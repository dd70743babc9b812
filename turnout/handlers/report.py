"""/report and /done, and what a member sends into their report: from the street.

The draft lives in the database from the first message, so a restart, or a bad connection,
loses nothing: the member just goes on sending. Albums arrive as one update per item; they are
all kept, in order, and acknowledged once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Message, Update

from turnout.handlers.common.albums import after_album
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import edit_buttons_in_place, reply
from turnout.storage import ReportMedia
from turnout.usecases import reports
from turnout.usecases.reports import LocationPiece, MediaPiece, Piece, TextPiece
from turnout.views.buttons import ChooseReportAction, ReportDraftStep
from turnout.views.reports import action_choice, contents, summary

#: How long after an album's last part its acknowledgement waits for more.
ALBUM_QUIET = 1.0


async def report_command(update: Update, context: TurnoutContext) -> None:
    await begin(update, context)


async def begin(update: Update, context: TurnoutContext, action_id: int | None = None) -> None:
    """/report, or a link into the bot with the action already chosen."""
    member = await known_member(update, context)
    opened = await reports.open_report(context.services, member.user_id, action_id)
    draft, t = opened.draft, context.t
    if opened.choices is not None:
        await reply(update, action_choice(t, draft.id, opened.choices))
    elif draft.media or draft.text:
        await reply(update, t("report.in_progress", contents=contents(t, draft)))
    else:
        await reply(update, t("report.go_on"))


async def action_chosen(update: Update, context: TurnoutContext, data: ChooseReportAction) -> None:
    query = update.callback_query
    assert query is not None
    await reports.choose_action(context.services, query.from_user.id, data.report, data.action)
    await query.answer()
    await edit_buttons_in_place(query, None)
    await reply(update, context.t("report.go_on"))


async def done(update: Update, context: TurnoutContext) -> None:
    """/done: what the report holds, and Submit / Add more / Cancel."""
    assert update.effective_user is not None
    draft = await reports.finished(context.services, update.effective_user.id)
    action = await context.store.action(draft.action_id) if draft.action_id else None
    await reply(update, summary(context.t, draft, action.title if action else None))


async def draft_button(update: Update, context: TurnoutContext, data: ReportDraftStep) -> None:
    """Submit, Add more or Cancel under the summary; a press on an older summary says why
    it does nothing (already submitted, or cancelled)."""
    query = update.callback_query
    assert query is not None
    s, user_id, t = context.services, query.from_user.id, context.t
    if data.verb == "more":
        await reports.draft_of(s, user_id, data.report)
        await query.answer()
        await reply(update, t("report.go_on"))
        return
    if data.verb == "cancel":
        await reports.discard(s, user_id, data.report)
        text = t("report.discarded")
    else:
        submitted = await reports.submit(s, user_id, data.report)
        text = t("report.submitted", id=submitted.id)
    await query.answer()
    await edit_buttons_in_place(query, None)  # this summary is finished
    await reply(update, text)


async def collect(update: Update, context: TurnoutContext) -> None:
    """Anything a member sends with no question open: part of their report, if one is open."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    piece = _piece(message)
    added = await reports.add(context.services, user.id, piece)
    if isinstance(piece, MediaPiece) and message.media_group_id is not None:
        _acknowledge_album(context, message.chat.id, message.media_group_id, user.id)
        return
    await message.reply_text(context.t(added))


def _acknowledge_album(context: TurnoutContext, chat_id: int, group: str, user_id: int) -> None:
    """One acknowledgement per album, once its last part has arrived."""

    async def acknowledge() -> None:
        draft = await context.store.draft_of(user_id)
        count = sum(1 for item in draft.media if item.media_group_id == group) if draft else 0
        await context.bot.send_message(chat_id, context.t.plural("report.album_added", count))

    after_album(context, f"album-ack-{chat_id}-{group}", ALBUM_QUIET, acknowledge)


def _piece(message: Message) -> Piece:
    """What a message adds to a report. Stickers, polls and the like add nothing: an empty
    text, which the use case answers as unsupported (after what matters more)."""
    item = _media(message)
    if item is not None:
        return MediaPiece(item, message.caption)
    if message.location is not None and message.venue is None:
        return LocationPiece(message.location.latitude, message.location.longitude)
    if message.sticker or message.poll or message.contact or message.dice or message.game:
        return TextPiece("")
    return TextPiece(message.text or "", message.message_id)


def _media(message: Message) -> ReportMedia | None:
    """The photo, video, document, voice note or animation a message carries."""
    file: Any
    if message.photo:
        kind, file = "photo", message.photo[-1]
    elif message.animation is not None:  # before document: an animation comes with both
        kind, file = "animation", message.animation
    elif message.video is not None:
        kind, file = "video", message.video
    elif message.voice is not None:
        kind, file = "voice", message.voice
    elif message.document is not None:
        kind, file = "document", message.document
    else:
        return None
    return ReportMedia(
        kind=kind,
        file_id=file.file_id,
        file_unique_id=file.file_unique_id,
        size=file.file_size,
        mime=getattr(file, "mime_type", None) or ("image/jpeg" if kind == "photo" else None),
        width=getattr(file, "width", None),
        height=getattr(file, "height", None),
        duration=_seconds(getattr(file, "duration", None)),
        caption=message.caption,
        media_group_id=message.media_group_id,
        message_id=message.message_id,
    )


def _seconds(duration: object) -> int | None:
    """Durations come as int or timedelta, depending on python-telegram-bot's setting."""
    if isinstance(duration, timedelta):
        return int(duration.total_seconds())
    return int(duration) if isinstance(duration, int) else None
