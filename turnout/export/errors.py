"""The export package's exceptions; Pillow's and zipfile's are translated where they enter."""

from __future__ import annotations


class ExportError(Exception):
    """An export, or a cleaned copy of a file, could not be made."""


class CannotClean(ExportError):
    """The file's metadata cannot be removed (an unknown or unreadable format): it must not be
    published or exported, since it may say where and by whom it was taken."""
