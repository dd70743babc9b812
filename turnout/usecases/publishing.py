"""Publishing an approved report to a linked channel: its media and text, never who sent it.

Pictures sent as files and videos are downloaded and cleaned of their metadata first; what
cannot be cleaned is left out, and the organiser is told what and why
(``turnout.export.publishing`` decides which is which, and cleans). The channel is reserved in
the store first, so two presses cannot post a report twice.

With faces to cover (``TURNOUT_BLUR_FACES``, README "Faces"), choosing the channel does not post
yet: the organiser is shown the photos and videos with their faces covered (uploaded to their
chat; the copies Telegram then holds are kept as a preview), and chooses "Publish blurred",
which posts those very copies, or "Publish as is", which posts the media as they were sent
(cleaned of their metadata) and is audited as such.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import Bot, InputMediaPhoto, InputMediaVideo, Message
from telegram.error import TelegramError

from turnout.export.archive import Progress
from turnout.export.errors import FacesBusy, FacesUnavailable
from turnout.export.publishing import (
    Download,
    How,
    Ready,
    lost_to_covering,
    plan_publication,
    prepare,
)
from turnout.export.reasons import LeftOut
from turnout.limits import ALBUM_ITEMS, CAPTION_CHARACTERS
from turnout.permissions import ORGANISERS, allowed
from turnout.storage import AsIs, Channel, Preview, PreviewItem, Report, ReportStatus
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


Show = Callable[[Sequence[Ready]], Awaitable[list[str]]]
"""Shows the organiser the media with their faces covered, and returns the file id Telegram
gave each (in order)."""


@dataclass(frozen=True, slots=True)
class Previewed:
    """A report shown with its faces covered, waiting for the organiser's choice."""

    preview: Preview
    channel: Channel
    left_out: tuple[LeftOut, ...]
    """What the covered version leaves out, and why."""
    differs: bool
    """Whether "as is" would post something else: faces were found, or an item is left out
    only because its faces could not be covered."""


@dataclass(frozen=True, slots=True)
class Reserved:
    """A report reserved for a channel, with what to post: a preview's covered copies, or
    (``items`` None) the media as sent."""

    report: Report
    channel: Channel
    items: tuple[Ready, ...] | None = None
    left_out: tuple[LeftOut, ...] = ()


async def reserve(s: Services, actor: int, report: Report, channel: Channel) -> Reserved:
    """Reserve publishing a report ``chosen`` for a channel, its media as sent (so that two
    presses cannot post it twice); ``post`` then posts it."""
    await _claim(s, actor, report, channel, None)
    return Reserved(report, channel)


def covers_faces(s: Services, report: Report) -> bool:
    """Whether this report is shown with its faces covered before it is published: faces
    are covered (``TURNOUT_BLUR_FACES``) and it has a photo or video to go out."""
    return s.settings.blur_published and any(
        planned.how is not How.LEFT_OUT for planned in plan_publication(report.media)
    )


async def chosen(
    s: Services, actor: int, report_id: int, channel_id: int
) -> tuple[Report, Channel]:
    """The report and the channel chosen for it, when it may go there and has not yet."""
    report, channel = await _chosen(s, actor, report_id, channel_id)
    if await s.store.is_published(report.id, channel.chat_id):
        raise Declined("publish.already", channel=html.unescape(channel.title))
    return report, channel


async def preview(
    s: Services, report: Report, channel: Channel, show: Show, progress: Progress | None = None
) -> Previewed:
    """Cover the faces in the photos and videos of a report ``chosen`` for a channel, show
    them (``show``), and keep what was shown for the organiser's choice; ``progress`` is told
    how many items are done. Raises Declined when faces cannot be covered now (the worker is
    busy) or here (the detector is missing)."""
    download = _downloader(s)
    ready: list[Ready] = []
    left_out: list[LeftOut] = []
    plan = plan_publication(report.media)
    checked, total = 0, sum(1 for planned in plan if planned.how is not How.LEFT_OUT)
    for planned in plan:
        if progress is not None and planned.how is not How.LEFT_OUT:
            await progress(checked, total)
            checked += 1
        try:
            prepared = await prepare(planned, download, cover=True)
        except FacesBusy:
            raise Declined("publish.faces.busy") from None
        except FacesUnavailable as error:
            log.error("faces cannot be covered: %s", error)
            raise Declined("publish.faces.unavailable") from None
        except TelegramError as error:
            log.warning("could not download report %d's media: %s", report.id, error)
            raise Declined("publish.faces.download_failed") from None
        if isinstance(prepared, LeftOut):
            left_out.append(prepared)
        else:
            ready.append(prepared)
    try:
        file_ids = await show(ready) if ready else []
    except TelegramError as error:
        log.warning("could not show report %d's covered copies: %s", report.id, error)
        raise Declined("publish.faces.show_failed") from None
    items = [
        PreviewItem(item.kind, file_id, item.faces)
        for item, file_id in zip(ready, file_ids, strict=True)
    ]
    kept = await s.store.save_preview(
        report.id, channel.chat_id, items, _left_out_json(left_out), s.now()
    )
    return Previewed(kept, channel, tuple(left_out), kept.faces > 0 or _unchecked(left_out) > 0)


async def choose(s: Services, actor: int, preview_id: int, as_is: bool) -> Reserved:
    """The organiser's choice under a preview: reserve the channel for the covered copies,
    or (``as_is``) for the media as sent, audited with the number of faces left uncovered."""
    found = await s.store.preview(preview_id)
    if found is None:
        raise Gone("card.gone")
    report, channel = await _chosen(s, actor, found.report_id, found.channel_id)
    if as_is:
        unchecked = _unchecked(_left_out_of(found.left_out))
        await _claim(s, actor, report, channel, AsIs(found.faces, unchecked))
        return Reserved(report, channel)
    await _claim(s, actor, report, channel, None)
    items = tuple(Ready(item.kind, item.file_id, item.faces) for item in found.items)
    return Reserved(report, channel, items, _left_out_of(found.left_out))


async def cancelled(s: Services, actor: int, preview_id: int) -> None:
    """Cancel under a preview: nothing is posted (the report stays approved), and its
    buttons no longer work."""
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
    if not await s.store.drop_preview(preview_id):
        raise Gone("card.gone")


async def _chosen(
    s: Services, actor: int, report_id: int, channel_id: int
) -> tuple[Report, Channel]:
    report, channels = await approved(s, actor, report_id)
    channel = next((c for c in channels if c.chat_id == channel_id), None)
    if channel is None:
        raise Declined("publish.no_channel")
    return report, channel


async def _claim(
    s: Services, actor: int, report: Report, channel: Channel, as_is: AsIs | None
) -> None:
    if not await s.store.claim_publication(report.id, channel.chat_id, actor, s.now(), as_is=as_is):
        # An alert is plain text, not HTML: the title as it is.
        raise Declined("publish.already", channel=html.unescape(channel.title))


async def post(s: Services, reserved: Reserved) -> Published:
    """Post a reserved report; what fails, fails in a way the organiser is told of."""
    report, channel = reserved.report, reserved.channel
    posted: list[Message] = []
    try:
        left_out = await _post(s, reserved, posted)
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


async def _post(s: Services, reserved: Reserved, posted: list[Message]) -> list[LeftOut]:
    """Post the report to the channel, noting in ``posted`` each part that went out; return
    why each item left out was."""
    report, chat_id = reserved.report, reserved.channel.chat_id
    title = None
    if report.action_id is not None:
        action = await s.store.action(report.action_id)
        title = action.title if action else None
    texts = publication_texts(s.translator(s.catalogs.default_language), report, title)
    visual: list[Ready] = []
    animations: list[Ready] = []
    left_out: list[LeftOut] = list(reserved.left_out)
    if reserved.items is not None:
        items: Sequence[Ready | LeftOut] = reserved.items
    else:
        download = _downloader(s)
        items = [await prepare(planned, download) for planned in plan_publication(report.media)]
    for prepared in items:
        if isinstance(prepared, LeftOut):
            left_out.append(prepared)
        elif prepared.kind == "animation":
            animations.append(prepared)
        else:
            visual.append(prepared)
    # The text goes as the caption of the first album when it is short enough.
    caption = texts[0] if len(texts) == 1 and len(texts[0]) <= CAPTION_CHARACTERS else None
    await send_items(s.bot, chat_id, visual, [caption], posted)
    await send_items(s.bot, chat_id, animations, [], posted)
    if not visual or caption is None:
        for text in texts:
            posted.append(await s.bot.send_message(chat_id, text))
    return left_out


async def send_items(
    bot: Bot,
    chat_id: int,
    items: Sequence[Ready],
    captions: Sequence[str | None],
    sent: list[Message],
) -> None:
    """Send ``items`` in order: photos and videos in albums of up to ten, each animation
    alone; ``captions[i]`` under the i-th item (those past the end: none). Each message is
    added to ``sent`` as it goes, so that a failure half way says what went out."""
    for start, batch in _batches(items):
        wanted = [
            captions[start + i] if start + i < len(captions) else None for i in range(len(batch))
        ]
        if len(batch) > 1:
            media = [_input_media(item, text) for item, text in zip(batch, wanted, strict=True)]
            sent += await bot.send_media_group(chat_id, media)
            continue
        [item], [text] = batch, wanted
        name = _file_name(item)
        if item.kind == "animation":
            sent.append(await bot.send_animation(chat_id, item.source, caption=text, filename=name))
        elif item.kind == "video":
            sent.append(await bot.send_video(chat_id, item.source, caption=text, filename=name))
        else:
            sent.append(await bot.send_photo(chat_id, item.source, caption=text, filename=name))


def _batches(items: Sequence[Ready]) -> list[tuple[int, list[Ready]]]:
    """(index of the first item, the items): albums of up to ten photos and videos, in order;
    each animation alone."""
    batches: list[tuple[int, list[Ready]]] = []
    for index, item in enumerate(items):
        last = batches[-1][1] if batches else None
        if (
            last is None
            or item.kind == "animation"
            or last[0].kind == "animation"
            or len(last) == ALBUM_ITEMS
        ):
            batches.append((index, [item]))
        else:
            last.append(item)
    return batches


def _unchecked(left_out: Sequence[LeftOut]) -> int:
    """Items left out of the covered version alone: "as is", they would go out unchecked."""
    return sum(lost_to_covering(left) for left in left_out)


def _left_out_json(left_out: Sequence[LeftOut]) -> str:
    return json.dumps(
        [
            {"reason": item.reason, "params": dict(item.params), "unit": item.unit}
            for item in left_out
        ]
    )


def _left_out_of(text: str) -> tuple[LeftOut, ...]:
    return tuple(
        LeftOut(str(item["reason"]), dict(item["params"]), str(item["unit"]))
        for item in json.loads(text)
    )


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
