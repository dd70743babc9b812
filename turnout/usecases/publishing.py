"""Publishing an approved report to a linked channel: its media and text, never who sent it.

Pictures sent as files are downloaded and cleaned of their metadata first; videos are looked at
for a place they were filmed; what cannot be cleaned is left out, and the organiser is told
what and why (``turnout.export.publishing`` decides which is which). The channel is reserved in
the store first, so two presses cannot post a report twice.
"""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass

from telegram import InputMediaPhoto, InputMediaVideo
from telegram.error import TelegramError

from turnout.export import CannotClean, clean_image, video_has_location
from turnout.export.publishing import VIDEO_WITH_PLACE, How, Planned, plan_publication
from turnout.i18n import N_
from turnout.limits import ALBUM_ITEMS, CAPTION_CHARACTERS
from turnout.permissions import ORGANISERS, allowed
from turnout.storage import Channel, Report, ReportStatus
from turnout.usecases.errors import Declined, Gone, NotAllowed
from turnout.usecases.services import Services
from turnout.views.review import publication_texts

log = logging.getLogger(__name__)

PHOTO_SIDE = 2560  # pixels, the longest side of a picture cleaned for a channel

Source = str | bytes
"""A file id, or the bytes of a cleaned picture."""


@dataclass(frozen=True, slots=True)
class Published:
    channel: Channel
    left_out: tuple[str, ...]
    """Message keys: why each item left out was."""


async def approved(s: Services, actor: int, report_id: int) -> tuple[Report, list[Channel]]:
    """The approved report and the channels it may go to."""
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
    report = await s.store.report(report_id)
    if report is None or report.status is not ReportStatus.APPROVED:
        raise Gone("publish.not_approved")
    channels = [channel for channel in await s.store.channels() if channel.can_post]
    if not channels:
        raise Declined("publish.no_channel")
    return report, channels


async def reserve(
    s: Services, actor: int, report_id: int, channel_id: int
) -> tuple[Report, Channel]:
    """Reserve publishing a report to a channel (so that two presses cannot post it twice);
    ``post`` then posts it."""
    report, channels = await approved(s, actor, report_id)
    channel = next((c for c in channels if c.chat_id == channel_id), None)
    if channel is None:
        raise Declined("publish.no_channel")
    if not await s.store.claim_publication(report.id, channel.chat_id, actor, s.now()):
        # An alert is plain text, not HTML: the title as it is.
        raise Declined("publish.already", channel=html.unescape(channel.title))
    return report, channel


async def post(s: Services, report: Report, channel: Channel) -> Published:
    """Post a reserved report; what fails, fails in a way the organiser is told of."""
    posted: list[str] = []
    try:
        left_out = await _post(s, report, channel.chat_id, posted)
    except TelegramError as error:
        log.warning("could not publish report %d to %d: %s", report.id, channel.chat_id, error)
        if posted:
            # Part of it is in the channel: it stays claimed, so a retry cannot post it twice.
            raise Declined("publish.partial", id=report.id, channel=channel.title) from None
        await s.store.release_publication(report.id, channel.chat_id)
        raise Declined("publish.failed", channel=channel.title) from None
    except BaseException:
        if not posted:
            await s.store.release_publication(report.id, channel.chat_id)
        raise
    return Published(channel, tuple(left_out))


async def _post(s: Services, report: Report, chat_id: int, posted: list[str]) -> list[str]:
    """Post the report to the channel, noting in ``posted`` each part that went out; return
    the reasons of what was left out."""
    title = None
    if report.action_id is not None:
        action = await s.store.action(report.action_id)
        title = action.title if action else None
    texts = publication_texts(s.translator(s.catalogs.default_language), report, title)
    visual: list[tuple[str, Source]] = []
    animations: list[str] = []
    left_out: list[str] = []
    for planned in plan_publication(report.media):
        prepared = await _prepared(s, planned, left_out)
        if prepared is None:
            continue
        kind, source = prepared
        if kind == "animation" and isinstance(source, str):
            animations.append(source)
        else:
            visual.append(prepared)
    bot = s.bot
    # The text goes as the caption of the first album when it is short enough.
    caption = texts[0] if len(texts) == 1 and len(texts[0]) <= CAPTION_CHARACTERS else None
    for start in range(0, len(visual), ALBUM_ITEMS):
        batch = visual[start : start + ALBUM_ITEMS]
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
    kind: str, source: Source, caption: str | None
) -> InputMediaPhoto | InputMediaVideo:
    if kind == "video":
        return InputMediaVideo(source, caption=caption)
    filename = "photo.jpg" if isinstance(source, bytes) else None
    return InputMediaPhoto(source, caption=caption, filename=filename)


async def _prepared(
    s: Services, planned: Planned, left_out: list[str]
) -> tuple[str, Source] | None:
    """(kind, file id or cleaned bytes) ready to send; None when left out."""
    item = planned.item
    if planned.how is How.LEFT_OUT:
        assert planned.reason is not None
        left_out.append(planned.reason)
        return None
    if planned.how is How.BY_ID:
        return item.kind, item.file_id
    file = await s.bot.get_file(item.file_id)
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
