"""Taking reports out of Telegram: metadata-free copies of files, the ZIP export, charts."""

from turnout.export.clean import clean_image, is_image, video_has_location
from turnout.export.errors import CannotClean, ExportError

__all__ = ["CannotClean", "ExportError", "clean_image", "is_image", "video_has_location"]
