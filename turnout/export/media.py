"""Which media of a report go into an export, and how (README, "Reports").

Everything goes in without metadata, or stays out with a reason the organiser reads: pictures
are cleaned; videos and animations go as they are unless they say where they were filmed;
voice notes go as they are (Telegram records them); a video or other file sent *as a file*
keeps its author's metadata and stays out.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.export.clean import is_image
from turnout.export.publishing import BOT_DOWNLOAD_LIMIT
from turnout.i18n import N_
from turnout.storage import ReportMedia

# Found out only once the file is at hand.
UNREADABLE = N_("export.left.unreadable")
DOWNLOAD_FAILED = N_("export.left.download_failed")
VIDEO_WITH_PLACE = N_("export.left.video_place")

_AS_IS = {"video": "mp4", "animation": "mp4", "voice": "ogg"}


@dataclass(frozen=True, slots=True)
class InExport:
    """``clean``: a picture to strip; ``extension``: of a file kept as it is; ``check_place``:
    a video to leave out if it says where it was filmed."""

    clean: bool
    extension: str = ""
    check_place: bool = False


@dataclass(frozen=True, slots=True)
class LeftOut:
    reason: str  # message key


def export_plan(item: ReportMedia, downloading: bool) -> InExport | LeftOut:
    if not downloading:
        return LeftOut(N_("export.left.no_token"))
    if item.size is not None and item.size > BOT_DOWNLOAD_LIMIT:
        return LeftOut(N_("export.left.too_big"))
    if item.kind == "photo":
        return InExport(clean=True)
    if item.kind in _AS_IS:
        return InExport(clean=False, extension=_AS_IS[item.kind], check_place=item.kind != "voice")
    if (item.mime or "").startswith("video/"):
        return LeftOut(N_("export.left.video_file"))
    if is_image(item.mime):
        return InExport(clean=True)
    return LeftOut(N_("export.left.file"))
