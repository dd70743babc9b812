"""What of an approved report may go to a channel, and how (README, "Reports").

Photos Telegram compressed are re-sent by file id: their metadata is gone already. Pictures sent
as files still carry it (GPS, camera, time) and are downloaded, cleaned and uploaded again.
Videos are not always re-encoded by Telegram (desktop apps, "original quality"), so each is
downloaded, copied into a new file without its metadata and data tracks (a GPS track), and
uploaded again; one too big for a bot to download is left out. What cannot be cleaned is left
out, with the reason the organiser reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from turnout.export.clean import clean_image, is_image
from turnout.export.errors import CannotClean, TooLarge
from turnout.export.reasons import LeftOut, too_large
from turnout.export.video import clean_video
from turnout.i18n import N_
from turnout.storage import ReportMedia

# Telegram lets a bot download files up to 20 MB.
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024
PHOTO_SIDE = 2560  # pixels, the longest side of a picture cleaned for a channel

Download = Callable[[str], Awaitable[bytes]]
"""Downloads a file by its Telegram file id."""


class How(StrEnum):
    BY_ID = "by_id"  # re-sent as it is, by file id
    CLEANED = "cleaned"  # a picture: downloaded, re-built from its pixels, uploaded as a photo
    VIDEO = "video"  # downloaded, its streams copied without metadata, uploaded again
    LEFT_OUT = "left_out"


@dataclass(frozen=True, slots=True)
class Planned:
    item: ReportMedia
    how: How
    reason: str | None = None  # message key, when left out


@dataclass(frozen=True, slots=True)
class Ready:
    """An item ready to post: ``kind`` (photo, video, animation) and what to send, a file id
    or the bytes of a cleaned copy."""

    kind: str
    source: str | bytes


def plan_publication(media: Sequence[ReportMedia]) -> list[Planned]:
    """Each item of the report, in order, with how it is published or why it is not."""
    return [_plan(item) for item in media]


def _plan(item: ReportMedia) -> Planned:
    too_big = item.size is not None and item.size > BOT_DOWNLOAD_LIMIT
    if item.kind == "photo":
        return Planned(item, How.BY_ID)
    if item.kind in ("video", "animation"):
        if too_big:
            return Planned(item, How.LEFT_OUT, N_("publish.left.video_unchecked"))
        return Planned(item, How.VIDEO)
    if item.kind == "voice":
        return Planned(item, How.LEFT_OUT, N_("publish.left.voice"))
    # A document: only a picture can be cleaned here.
    if (item.mime or "").startswith("video/"):
        return Planned(item, How.LEFT_OUT, N_("publish.left.video_file"))
    if not is_image(item.mime):
        return Planned(item, How.LEFT_OUT, N_("publish.left.file"))
    if too_big:
        return Planned(item, How.LEFT_OUT, N_("publish.left.too_big"))
    return Planned(item, How.CLEANED)


async def prepare(planned: Planned, download: Download) -> Ready | LeftOut:
    """The item ready to post, downloaded and cleaned when it must be (off the event loop,
    one picture or video at a time); or why it is left out."""
    item = planned.item
    if planned.how is How.LEFT_OUT:
        assert planned.reason is not None
        return LeftOut(planned.reason)
    if planned.how is How.BY_ID:
        return Ready(item.kind, item.file_id)
    data = await download(item.file_id)
    if planned.how is How.VIDEO:
        try:
            return Ready(item.kind, await asyncio.to_thread(clean_video, data))
        except CannotClean:
            return LeftOut(N_("publish.left.video_uncleaned"))
    try:
        # Scaled to fit Telegram's photo limits (10 MB, 10,000 px); a JPEG.
        cleaned, _, _ = await asyncio.to_thread(clean_image, data, max_side=PHOTO_SIDE)
    except TooLarge as error:
        return too_large(N_("publish.left.too_large"), error)
    except CannotClean:
        return LeftOut(N_("publish.left.unreadable"))
    return Ready("photo", cleaned)
