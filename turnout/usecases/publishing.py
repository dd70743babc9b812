"""Publishing an approved report to a linked channel: its media and text, never who sent it.

Pictures sent as files and videos are downloaded and cleaned of their metadata first; what
cannot be cleaned is left out, and the organiser is told what and why
(``turnout.export.publishing`` decides which is which, and cleans). The channel is reserved in
the store first, so two presses cannot post a report twice.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from telegram import InputMediaPhoto, InputMediaVideo
from telegram.error import TelegramError

from turnout.export.publishing import Download, Ready, plan_publication, prepare
from turnout.export.reasons import LeftOut
from turnout.limits import ALBUM_ITEMS, CAPTION_CHARACTERS
from turnout.permissions import ORGANISERS, allowed
from turnout.storage import Channel, Report, ReportStatus
from turnout.usecases.errors import Declined, Gone, NotAllowed
from turnout.usecases.services import Services
from turnout.views.review import publication_texts

log = logging.getLogger(__name__)

# What a file uploaded again is called (Telegram goes by its contents; a name it shows).
_FILE_NAMES = {"photo": "photo.jpg", "video": "video.mp4", "animation": "animation.mp4"}


@dataclass(frozen=True, slots=True)
class Published:
    channel: Channel
    left_out: tuple[LeftOut, ...]
    """Why each item left out was (``export.reasons.explain`` says it)."""


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


async def _post(s: Services, report: Report, chat_id: int, posted: list[str]) -> list[LeftOut]:
    """Post the report to the channel, noting in ``posted`` each part that went out; return
    why each item left out was."""
    title = None
    if report.action_id is not None:
        action = await s.store.action(report.action_id)
        title = action.title if action else None
    texts = publication_texts(s.translator(s.catalogs.default_language), report, title)
    visual: list[Ready] = []
    animations: list[Ready] = []
    left_out: list[LeftOut] = []
    download = _downloader(s)
    for planned in plan_publication(report.media):
        prepared = await prepare(planned, download)
        if isinstance(prepared, LeftOut):
            left_out.append(prepared)
        elif prepared.kind == "animation":
            animations.append(prepared)
        else:
            visual.append(prepared)
    bot = s.bot
    # The text goes as the caption of the first album when it is short enough.
    caption = texts[0] if len(texts) == 1 and len(texts[0]) <= CAPTION_CHARACTERS else None
    for start in range(0, len(visual), ALBUM_ITEMS):
        batch = visual[start : start + ALBUM_ITEMS]
        this_caption = caption if start == 0 else None
        if len(batch) == 1:
            [ready] = batch
            name = _file_name(ready)
            if ready.kind == "video":
                await bot.send_video(chat_id, ready.source, caption=this_caption, filename=name)
            else:
                await bot.send_photo(chat_id, ready.source, caption=this_caption, filename=name)
        else:
            await bot.send_media_group(
                chat_id,
                [
                    _input_media(ready, this_caption if index == 0 else None)
                    for index, ready in enumerate(batch)
                ],
            )
        posted.append(f"media {start}")
    for ready in animations:
        await bot.send_animation(chat_id, ready.source, filename=_file_name(ready))
        posted.append("animation")
    if not visual or caption is None:
        for text in texts:
            await bot.send_message(chat_id, text)
            posted.append("text")
    return left_out


def _downloader(s: Services) -> Download:
    async def download(file_id: str) -> bytes:
        file = await s.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())

    return download


def _file_name(ready: Ready) -> str | None:
    """The name of a cleaned copy uploaded again; None for a file id."""
    return _FILE_NAMES.get(ready.kind) if isinstance(ready.source, bytes) else None


def _input_media(ready: Ready, caption: str | None) -> InputMediaPhoto | InputMediaVideo:
    name = _file_name(ready)
    if ready.kind == "video":
        return InputMediaVideo(ready.source, caption=caption, filename=name)
    return InputMediaPhoto(ready.source, caption=caption, filename=name)
