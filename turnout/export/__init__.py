"""Taking reports out of Telegram: metadata-free copies of files, the ZIP export, charts."""

from turnout.export.clean import clean_image, is_image
from turnout.export.errors import CannotClean, ExportError, TooLarge
from turnout.export.video import clean_video

__all__ = [
    "CannotClean",
    "ExportError",
    "TooLarge",
    "clean_image",
    "clean_video",
    "is_image",
]
