"""Storage of uploaded and generated files, addressable by ``file_id`` and ``file_path``."""

from __future__ import annotations

import itertools
import mimetypes
import secrets
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .jsonutil import JSONDict

MEDIA_KINDS = ("photo", "video", "document", "animation", "voice", "audio", "sticker")

_FOLDERS = {
    "photo": ("photos", ".jpg", "image/jpeg"),
    "video": ("videos", ".mp4", "video/mp4"),
    "document": ("documents", ".bin", "application/octet-stream"),
    "animation": ("animations", ".mp4", "video/mp4"),
    "voice": ("voice", ".oga", "audio/ogg"),
    "audio": ("music", ".mp3", "audio/mpeg"),
    "sticker": ("stickers", ".webp", "image/webp"),
}

# (width, height) of the photo sizes Telegram generates for one uploaded photo
PHOTO_SIZES = ((90, 60), (320, 213), (800, 533), (1280, 853))


@dataclass
class StoredFile:
    """One file as Telegram knows it (for photos: one of the generated sizes)."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    group: list[StoredFile] = field(default_factory=list, repr=False)

    def _identity(self) -> JSONDict:
        """The fields every Telegram file object begins with."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }

    def file_dict(self) -> JSONDict:
        """The ``File`` object returned by ``getFile``."""
        return {**self._identity(), "file_path": self.file_path}

    def media(self) -> JSONDict | list[JSONDict]:
        """The message attachment: a ``PhotoSize`` list for photos, an object otherwise."""
        if self.kind == "photo":
            return [size.photo_size() for size in (self.group or [self])]
        base = self._identity()
        if self.kind in {"video", "animation"}:
            base.update(width=self.width or 640, height=self.height or 360)
            base["duration"] = self.duration
        if self.kind in {"voice", "audio"}:
            base["duration"] = self.duration
        if self.kind == "sticker":
            base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
        if self.kind not in {"voice", "sticker"} and self.file_name:
            base["file_name"] = self.file_name
        if self.mime_type and self.kind != "sticker":
            base["mime_type"] = self.mime_type
        return base

    def photo_size(self) -> JSONDict:
        """This file as one ``PhotoSize``."""
        return {**self._identity(), "width": self.width, "height": self.height}


class FileStore:
    """All files the fake server knows about."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}

    def _new(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None,
        mime_type: str | None,
        width: int = 0,
        height: int = 0,
        file_id: str | None = None,
    ) -> StoredFile:
        number = next(self._counter)
        folder, default_ext, default_mime = _FOLDERS.get(kind, _FOLDERS["document"])
        ext = PurePosixPath(file_name).suffix if file_name else ""
        stored = StoredFile(
            file_id=file_id or f"FAKE{kind[:3].upper()}{number:06d}-{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{file_id}" if file_id else f"U{number:06d}{secrets.token_hex(3)}",
            kind=kind,
            content=content,
            file_path=f"{folder}/file_{number}{ext or default_ext}",
            file_name=file_name,
            mime_type=mime_type or _guess_mime(file_name) or default_mime,
            width=width,
            height=height,
        )
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def add(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Store a new file; for ``kind="photo"`` all sizes are generated (largest returned)."""
        if kind == "photo":
            return self.add_photo(content)[-1]
        return self._new(kind, content, file_name=file_name, mime_type=mime_type)

    def add_photo(self, content: bytes, *, file_id: str | None = None) -> list[StoredFile]:
        """Store a photo as Telegram does: one file per generated size, smallest first. With
        ``file_id``, the same ids at every start (a photo a database kept from an earlier
        run): the largest size has that id, the others ``<file_id>-<width>``; unique ids
        ``U<its id>``."""
        fixed: list[str | None] = [None] * len(PHOTO_SIZES)
        if file_id is not None:
            fixed = [*(f"{file_id}-{w}" for w, _ in PHOTO_SIZES[:-1]), file_id]
        sizes = [
            self._new(
                "photo",
                content,
                file_name=None,
                mime_type="image/jpeg",
                width=w,
                height=h,
                file_id=size_id,
            )
            for (w, h), size_id in zip(PHOTO_SIZES, fixed, strict=True)
        ]
        for size in sizes:
            size.group = sizes
        return sizes

    def get(self, file_id: str) -> StoredFile | None:
        """Look a file up by ``file_id``."""
        return self.by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        """Look a file up by the ``file_path`` handed out by ``getFile``."""
        return self.by_path.get(file_path)


def _guess_mime(file_name: str | None) -> str | None:
    if not file_name:
        return None
    return mimetypes.guess_type(file_name)[0]
