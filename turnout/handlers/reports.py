"""/report, /done, /myreports: members send what happened, from the street.

The draft lives in the database from the first message, so a restart, or a bad connection,
loses nothing: the member just goes on sending. Albums arrive as one update per item; they are
all kept, in order, and acknowledged once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Message, Update

from turnout.bot.context import TurnoutContext
from turnout.export.publishing import BOT_DOWNLOAD_LIMIT
from turnout.handlers.albums import after_album
from turnout.handlers.arguments import as_id
from turnout.handlers.members import ensure_member
from turnout.scheduler.review_chat import book_announcement
from turnout.storage import Report, ReportMedia
from turnout.views.reports import action_choice, contents, my_reports, summary

log = logging.getLogger(__name__)

MAX_MEDIA = 30
MAX_TEXT = 4000
#: Telegram lets a bot download files up to this size; larger ones are kept as references.
#: How far back an action may have taken place and still be reported on.
REPORT_WINDOW = timedelta(hours=48)
ALBUM_QUIET = 1.0


async def start_report(
    update: Update, context: TurnoutContext, action_id: int | None = None
) -> None:
    """/report, or ``/start rep_<id>`` with the action already chosen."""
    message = update.effective_message
    assert message is not None
    member, _ = await ensure_member(update, context)
    draft = await context.store.open_draft(member.user_id, context.now())
    if action_id is not None and await context.store.action(action_id) is not None:
        await context.store.update_draft(
            draft.id, {"action_id": action_id, "action_chosen": 1}, context.now()
        )
        await message.reply_text(context.t("report.go_on"))
        return
    if draft.media or draft.text:
        await message.reply_text(
            context.t("report.in_progress", contents=contents(context.t, draft))
        )
        return
    actions = await context.store.reportable_actions(context.now() - REPORT_WINDOW)
    reply = action_choice(context.t, actions)
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def report_command(update: Update, context: TurnoutContext) -> None:
    await start_report(update, context)


async def report_button(update: Update, context: TurnoutContext) -> None:
    """``rpt:act:<id|other>``, ``rpt:submit``, ``rpt:more``, ``rpt:cancel``,
    ``rpt:withdraw:<id>``."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    verb = parts[1] if len(parts) > 1 else ""
    user_id, t, now = query.from_user.id, context.t, context.now()
    if verb == "withdraw":
        done = (
            len(parts) > 2
            and as_id(parts[2]) is not None
            and await context.store.withdraw_report(int(parts[2]), user_id)
        )
        await query.answer(
            t("report.withdrawn" if done else "report.not_withdrawable"), show_alert=not done
        )
        if done:
            await _show_mine(context, user_id, query.message)
        return
    draft = await context.store.draft_of(user_id)
    if draft is None:
        await query.answer(t("report.no_draft"), show_alert=True)
        return
    if verb == "act":
        choice = parts[2] if len(parts) > 2 else ""
        action_id = as_id(choice)
        await context.store.update_draft(
            draft.id, {"action_id": action_id, "action_chosen": 1}, now
        )
        await query.answer()
        await context.bot.send_message(user_id, t("report.go_on"))
    elif verb == "more":
        await query.answer()
        await context.bot.send_message(user_id, t("report.go_on"))
    elif verb == "cancel":
        await context.store.discard_draft(user_id)
        await query.answer()
        await context.bot.send_message(user_id, t("report.discarded"))
    elif verb == "submit":
        await _submit(update, context, draft)
    else:
        await query.answer(t("roles.bad_button"), show_alert=True)


async def done(update: Update, context: TurnoutContext) -> None:
    """/done: what the report holds, and Submit / Add more / Cancel."""
    message = update.effective_message
    assert message is not None
    assert update.effective_user is not None
    draft = await context.store.draft_of(update.effective_user.id)
    if draft is None or not (draft.media or draft.text or draft.latitude is not None):
        await message.reply_text(context.t("report.nothing_yet"))
        return
    title = await _title(context, draft.action_id)
    reply = summary(context.t, draft, title)
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def show_mine(update: Update, context: TurnoutContext) -> None:
    assert update.effective_user is not None
    await _show_mine(context, update.effective_user.id, None)


async def collect(update: Update, context: TurnoutContext) -> None:
    """Anything a member sends outside a command: part of their report, if one is open."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    t = context.t
    item = _media(message)
    # Most of what arrives during an action is media for an open report: one statement.
    if (
        item is not None
        and not message.caption
        and await context.store.add_to_open_draft(user.id, item, MAX_MEDIA)
    ):
        await _acknowledge(context, message, item)
        return
    draft = await context.store.draft_of(user.id)
    if draft is None or not draft.action_chosen:
        await message.reply_text(
            t("report.start_first" if draft is None else "report.choose_first")
        )
        return
    if message.sticker or message.poll or message.contact or message.dice or message.game:
        await message.reply_text(t("report.unsupported"))
        return
    now = context.now()
    if message.location is not None and message.venue is None:
        await context.store.update_draft(
            draft.id,
            {"latitude": message.location.latitude, "longitude": message.location.longitude},
            now,
        )
        await message.reply_text(t("report.location_added"))
        return
    if item is None:
        text = (message.text or "").strip()
        if not text:
            await message.reply_text(t("report.unsupported"))
            return
        combined = f"{draft.text}\n\n{text}" if draft.text else text
        if len(combined) > MAX_TEXT:
            await message.reply_text(t("report.text_too_long", limit=MAX_TEXT))
            return
        await context.store.update_draft(draft.id, {"text": combined}, now)
        await message.reply_text(t("report.text_added"))
        return
    if len(draft.media) >= MAX_MEDIA:
        await message.reply_text(t("report.too_many", limit=MAX_MEDIA))
        return
    await context.store.add_report_media(draft.id, item)
    if message.caption:
        combined = f"{draft.text}\n\n{message.caption}" if draft.text else message.caption
        await context.store.update_draft(draft.id, {"text": combined[:MAX_TEXT]}, now)
    await _acknowledge(context, message, item)


async def _acknowledge(context: TurnoutContext, message: Message, item: ReportMedia) -> None:
    """ "Added." for a single item; one message for a whole album, once it is complete."""
    if message.media_group_id is not None:
        assert message.from_user is not None
        _acknowledge_album(context, message.chat.id, message.media_group_id, message.from_user.id)
        return
    too_big = item.size is not None and item.size > BOT_DOWNLOAD_LIMIT
    await message.reply_text(
        context.t("report.media_added_big" if too_big else "report.media_added")
    )


def _acknowledge_album(context: TurnoutContext, chat_id: int, group: str, user_id: int) -> None:
    """One acknowledgement per album, once its last part has arrived."""

    async def acknowledge() -> None:
        draft = await context.store.draft_of(user_id)
        count = sum(1 for item in draft.media if item.media_group_id == group) if draft else 0
        await context.bot.send_message(chat_id, context.t("report.album_added", count=count))

    after_album(context, f"album-ack-{chat_id}-{group}", ALBUM_QUIET, acknowledge)


async def _submit(update: Update, context: TurnoutContext, draft: Report) -> None:
    query = update.callback_query
    assert query is not None
    t, now, user_id = context.t, context.now(), query.from_user.id
    recent = await context.store.reports_submitted_since(user_id, now - timedelta(hours=1))
    if recent >= context.settings.report_rate:
        await query.answer(
            t("report.rate_limited", limit=context.settings.report_rate), show_alert=True
        )
        return
    if not await context.store.submit_report(draft.id, now):
        await query.answer(t("report.no_draft"), show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(user_id, t("report.submitted", id=draft.id))
    # The review chat hears of it in a moment, with any others sent meanwhile.
    book_announcement(context.application)


async def _show_mine(context: TurnoutContext, user_id: int, message: object) -> None:
    reports = await context.store.reports_of(user_id)
    titles = {}
    for report in reports:
        if report.action_id is not None and report.action_id not in titles:
            titles[report.action_id] = await _title(context, report.action_id) or ""
    reply = my_reports(context.t, reports, titles)
    await context.bot.send_message(user_id, reply.text, reply_markup=reply.markup)


async def _title(context: TurnoutContext, action_id: int | None) -> str | None:
    action = await context.store.action(action_id) if action_id is not None else None
    return action.title if action else None


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
