"""Which media of a report go into an export, and how (README, "Reports").

Everything goes in without metadata, or stays out with a reason the organiser reads: pictures
are cleaned; videos and animations are copied into a new file without their metadata and data
tracks; voice notes go as they are (Telegram records them); a video or other file sent *as a
file* keeps its author's metadata and stays out.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.export.clean import is_image
from turnout.export.errors import CannotClean, TooLarge
from turnout.export.publishing import BOT_DOWNLOAD_LIMIT
from turnout.export.reasons import LeftOut, too_large
from turnout.i18n import N_
from turnout.storage import ReportMedia

# Found out only once the file is at hand.
DOWNLOAD_FAILED = N_("export.left.download_failed")

_AS_IS = {"voice": "ogg"}
_VIDEOS = ("video", "animation")


@dataclass(frozen=True, slots=True)
class InExport:
    """How an item goes in: ``picture``, re-built from its pixels; ``video``, its streams
    copied into a new MP4; else as it is, with ``extension``."""

    picture: bool = False
    video: bool = False
    extension: str = ""


def export_plan(item: ReportMedia, downloading: bool) -> InExport | LeftOut:
    if not downloading:
        return LeftOut(N_("export.left.no_token"))
    if item.size is not None and item.size > BOT_DOWNLOAD_LIMIT:
        return LeftOut(N_("export.left.too_big"))
    if item.kind == "photo":
        return InExport(picture=True)
    if item.kind in _VIDEOS:
        return InExport(video=True, extension="mp4")
    if item.kind in _AS_IS:
        return InExport(extension=_AS_IS[item.kind])
    if (item.mime or "").startswith("video/"):
        return LeftOut(N_("export.left.video_file"))
    if is_image(item.mime):
        return InExport(picture=True)
    return LeftOut(N_("export.left.file"))


def cannot_clean(plan: InExport, error: CannotClean) -> LeftOut:
    """Why an item that could not be cleaned stays out."""
    if isinstance(error, TooLarge):
        return too_large(N_("export.left.too_large"), error)
    if plan.video:
        return LeftOut(N_("export.left.video_uncleaned"))
    return LeftOut(N_("export.left.unreadable"))
