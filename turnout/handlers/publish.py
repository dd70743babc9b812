"""Publishing an approved report to a linked channel: its media and text, never who sent it.

``pub:<report>`` asks which channel; ``pub:<report>:<channel>`` posts. Pictures sent as files
are downloaded and cleaned of their metadata first; what cannot be cleaned is left out, and the
organiser is told what and why.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import InputMediaPhoto, InputMediaVideo, Update
from telegram.error import TelegramError

from turnout.bot.context import TurnoutContext
from turnout.export import CannotClean, clean_image, video_has_location
from turnout.export.publishing import VIDEO_WITH_PLACE, How, Planned, plan_publication
from turnout.handlers.arguments import as_id
from turnout.i18n import N_
from turnout.storage import Report, ReportStatus
from turnout.views.review import ALBUM_LIMIT, channel_choice, publication_texts

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024
PHOTO_SIDE = 2560  # pixels, the longest side of a picture cleaned for a channel


async def publish_button(update: Update, context: TurnoutContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    report_id = as_id(parts[1]) if len(parts) > 1 else None
    report = await context.store.report(report_id) if report_id is not None else None
    t = context.t
    if report is None or report.status is not ReportStatus.APPROVED:
        await query.answer(t("publish.not_approved"), show_alert=True)
        return
    channels = [c for c in await context.store.channels() if c.can_post]
    if not channels:
        await query.answer(t("publish.no_channel"), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if len(parts) == 2:
        await query.answer()
        reply = channel_choice(t, report.id, channels)
        await context.bot.send_message(chat_id, reply.text, reply_markup=reply.markup)
        return
    channel = next((c for c in channels if str(c.chat_id) == parts[2]), None)
    if channel is None:
        await query.answer(t("publish.no_channel"), show_alert=True)
        return
    if not await context.store.claim_publication(
        report.id, channel.chat_id, query.from_user.id, context.now()
    ):
        # An alert is plain text, not HTML: the title as it is.
        alert = html.unescape(t("publish.already", channel=channel.title))
        await query.answer(alert, show_alert=True)
        return
    await query.answer(t("publish.working"))
    posted: list[str] = []
    try:
        left_out = await _post(context, report, channel.chat_id, posted)
    except Exception as error:
        log.warning("could not publish report %d to %d: %s", report.id, channel.chat_id, error)
        if posted:
            # Part of it is in the channel: it stays claimed, so a retry cannot post it twice.
            text = t("publish.partial", id=report.id, channel=channel.title)
        else:
            await context.store.release_publication(report.id, channel.chat_id)
            text = t("publish.failed", channel=channel.title)
        await context.bot.send_message(chat_id, text)
        if not isinstance(error, TelegramError):
            raise
        return
    lines = [t("publish.done", id=report.id, channel=channel.title)]
    lines += [t(reason) for reason in left_out]
    await context.bot.send_message(chat_id, "\n".join(lines))


async def _post(
    context: TurnoutContext, report: Report, chat_id: int, posted: list[str]
) -> list[str]:
    """Post the report to the channel, noting in ``posted`` each part that went out; return
    the reasons of what was left out."""
    title = None
    if report.action_id is not None:
        action = await context.store.action(report.action_id)
        title = action.title if action else None
    t = context.catalogs.translator(context.catalogs.default_language)
    texts = publication_texts(t, report, title)
    visual: list[tuple[str, str | bytes]] = []
    animations: list[str] = []
    left_out: list[str] = []
    for planned in plan_publication(report.media):
        prepared = await _prepared(context, planned, left_out)
        if prepared is None:
            continue
        kind, source = prepared
        if kind == "animation":
            assert isinstance(source, str)
            animations.append(source)
        else:
            visual.append(prepared)
    bot = context.bot
    # The text goes as the caption of the first album when it is short enough.
    caption = texts[0] if len(texts) == 1 and len(texts[0]) <= CAPTION_LIMIT else None
    for start in range(0, len(visual), ALBUM_LIMIT):
        batch = visual[start : start + ALBUM_LIMIT]
        this_caption = caption if start == 0 else None
        if len(batch) == 1:
            kind, source = batch[0]
            if kind == "video":
                await bot.send_video(chat_id, source, caption=this_caption)
            else:
                await bot.send_photo(chat_id, source, caption=this_caption)
        else:
            await bot.send_media_group(
                chat_id,
                [
                    _input_media(kind, source, this_caption if index == 0 else None)
                    for index, (kind, source) in enumerate(batch)
                ],
            )
        posted.append(f"media {start}")
    for file_id in animations:
        await bot.send_animation(chat_id, file_id)
        posted.append("animation")
    if not visual or caption is None:
        for text in texts:
            await bot.send_message(chat_id, text)
            posted.append("text")
    return left_out


def _input_media(
    kind: str, source: str | bytes, caption: str | None
) -> InputMediaPhoto | InputMediaVideo:
    if kind == "video":
        return InputMediaVideo(source, caption=caption)
    filename = "photo.jpg" if isinstance(source, bytes) else None
    return InputMediaPhoto(source, caption=caption, filename=filename)


async def _prepared(
    context: TurnoutContext, planned: Planned, left_out: list[str]
) -> tuple[str, str | bytes] | None:
    """(kind, file id or cleaned bytes) ready to send; None when left out."""
    item = planned.item
    if planned.how is How.LEFT_OUT:
        assert planned.reason is not None
        left_out.append(planned.reason)
        return None
    if planned.how is How.BY_ID:
        return item.kind, item.file_id
    file = await context.bot.get_file(item.file_id)
    data = bytes(await file.download_as_bytearray())
    if planned.how is How.CHECKED:
        if video_has_location(data):
            left_out.append(VIDEO_WITH_PLACE)
            return None
        return item.kind, item.file_id
    try:
        # Decoding a large picture takes a moment: not on the thread that answers everyone.
        # Scaled to fit Telegram's photo limits (10 MB, 10,000 px); a JPEG.
        cleaned, _, _ = await asyncio.to_thread(clean_image, data, max_side=PHOTO_SIDE)
    except CannotClean:
        left_out.append(N_("publish.left.unreadable"))
        return None
    return "photo", cleaned
