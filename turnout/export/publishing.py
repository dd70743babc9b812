"""What of an approved report may go to a channel, and how (README, "Reports").

Photos Telegram compressed are re-sent by file id: their metadata is gone already. Pictures sent
as files still carry it (GPS, camera, time) and are downloaded, cleaned and uploaded again.
Videos are not always re-encoded by Telegram (desktop apps, "original quality"), so each is
downloaded and looked at first: one that says where it was filmed is left out, as is one too
big for a bot to download and look at. What cannot be cleaned is left out, with the reason the
organiser reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from turnout.export.clean import is_image
from turnout.i18n import N_
from turnout.storage import ReportMedia

# Telegram lets a bot download files up to 20 MB.
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024


class How(StrEnum):
    BY_ID = "by_id"  # re-sent as it is, by file id
    CHECKED = "checked"  # downloaded, looked at for a location, then re-sent by file id
    CLEANED = "cleaned"  # downloaded, stripped of metadata, uploaded as a photo
    LEFT_OUT = "left_out"


@dataclass(frozen=True, slots=True)
class Planned:
    item: ReportMedia
    how: How
    reason: str | None = None  # message key, when left out


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
        return Planned(item, How.CHECKED)
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


# Found out only once the file is at hand.
VIDEO_WITH_PLACE = N_("publish.left.video_place")
