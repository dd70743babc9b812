"""What of an approved report may go to a channel, and how (README, "Reports").

Photos Telegram compressed are re-sent by file id: their metadata is gone already. Pictures sent
as files still carry it (GPS, camera, time) and are downloaded, cleaned and uploaded again.
Videos are not always re-encoded by Telegram (desktop apps, "original quality"), so each is
downloaded, copied into a new file without its metadata and data tracks (a GPS track), and
uploaded again; one too big for a bot to download is left out. What cannot be cleaned is left
out, with the reason the organiser reads.

With faces to cover (``TURNOUT_BLUR_FACES``), every photo and video is downloaded and its faces
covered (``blurring``); one that cannot be is left out of that version.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from turnout.export.blurring import blurred_image, blurred_video
from turnout.export.clean import clean_image, is_image
from turnout.export.errors import CannotClean, TooLarge
from turnout.export.reasons import LeftOut, too_large
from turnout.export.video import clean_video
from turnout.i18n import N_
from turnout.limits import BOT_UPLOAD_BYTES
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
    or the bytes of a cleaned copy; and how many faces were covered in it."""

    kind: str
    source: str | bytes
    faces: int = 0


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


async def prepare(planned: Planned, download: Download, *, cover: bool = False) -> Ready | LeftOut:
    """The item ready to post, downloaded and cleaned when it must be (off the event loop,
    one picture or video at a time); or why it is left out. ``cover``: with every face found
    covered (README, "Faces"); raises FacesBusy or FacesUnavailable when that cannot be done
    now or here."""
    item = planned.item
    if planned.how is How.LEFT_OUT:
        assert planned.reason is not None
        return LeftOut(planned.reason)
    if cover:
        return await _covered(planned, await download(item.file_id))
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


async def _covered(planned: Planned, data: bytes) -> Ready | LeftOut:
    """The item with its faces covered. Where none was found, a photo is sent again as the
    member sent it and a video as ``prepare`` cleans it: nothing is encoded again."""
    item = planned.item
    if planned.how is How.VIDEO:
        try:
            cleaned = await asyncio.to_thread(clean_video, data)
        except CannotClean:
            return LeftOut(N_("publish.left.video_uncleaned"))
        try:
            covered = await blurred_video(data, wait=False)
        except CannotClean:
            return LeftOut(UNCOVERED)
        if not covered.faces:
            return Ready(item.kind, cleaned)
        if len(covered.data) > BOT_UPLOAD_BYTES:  # encoded again, it can outgrow the original
            return LeftOut(UNCOVERED)
        return Ready(item.kind, covered.data, covered.faces)
    try:
        # Scaled to fit Telegram's photo limits, as ``prepare`` does.
        blurred = await blurred_image(data, max_side=PHOTO_SIDE, wait=False)
    except TooLarge as error:
        return too_large(N_("publish.left.too_large"), error)
    except CannotClean:
        # A photo as Telegram sent it would go "as is" all the same: it was not checked.
        return LeftOut(UNCHECKED if planned.how is How.BY_ID else N_("publish.left.unreadable"))
    if planned.how is How.BY_ID and not blurred.faces:
        return Ready(item.kind, item.file_id)
    return Ready("photo", blurred.data, blurred.faces)


UNCOVERED = N_("publish.left.video_uncovered")
UNCHECKED = N_("publish.left.photo_unchecked")


def lost_to_covering(left: LeftOut) -> bool:
    """Whether an item was left out of the covered version only because its faces could not
    be looked for or covered: published "as is", it would go out unchecked."""
    return left.reason in (UNCOVERED, UNCHECKED)
