"""The export package's exceptions; Pillow's, ffmpeg's and zipfile's are translated where they
enter."""

from __future__ import annotations


class ExportError(Exception):
    """An export, or a cleaned copy of a file, could not be made."""


class CannotClean(ExportError):
    """The file's metadata cannot be removed (an unknown or unreadable format, a video ffmpeg
    could not copy): it must not be published or exported, since it may say where and by whom
    it was taken."""


class TooLarge(CannotClean):
    """A picture refused before it is decoded: it would take more memory than one may."""

    def __init__(self, pixels: int, limit: int) -> None:
        super().__init__(f"{pixels} pixels, more than the {limit} cleaning allows")
        self.pixels = pixels
        self.limit = limit
        """Both in pixels: the picture's, and the most a picture like it may have."""

    def __reduce__(self) -> tuple[type[TooLarge], tuple[int, int]]:
        # Made again from its numbers when it comes back from the face worker's process.
        return (TooLarge, (self.pixels, self.limit))


class FacesUnavailable(ExportError):
    """Faces cannot be looked for here: the detector is not installed, or its worker failed.
    Nothing may then go out as if its faces had been covered."""


class FacesBusy(ExportError):
    """The face worker has as many pictures waiting as it may: try again shortly."""
