"""Which media of a report go into an export, and how (DESIGN.md §2.5).

Everything goes in without metadata, or stays out with a reason the organiser reads: pictures
are cleaned; Telegram's own videos, animations and voice notes go as they are (Telegram made
them); a video or other file sent *as a file* keeps its author's metadata and stays out.
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

_AS_IS = {"video": "mp4", "animation": "mp4", "voice": "ogg"}


@dataclass(frozen=True, slots=True)
class InExport:
    """``clean``: a picture to strip; ``extension``: of a file kept as it is."""

    clean: bool
    extension: str = ""


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
        return InExport(clean=False, extension=_AS_IS[item.kind])
    if (item.mime or "").startswith("video/"):
        return LeftOut(N_("export.left.video_file"))
    if is_image(item.mime):
        return InExport(clean=True)
    return LeftOut(N_("export.left.file"))
