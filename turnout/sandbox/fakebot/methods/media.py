"""Resolving media parameters (uploads, ``attach://`` parts, URLs and file ids)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from ..errors import bad_request
from ..files import StoredFile
from ..params import Params
from ..world import World

_INTERCHANGEABLE = {"document", "animation", "video", "audio"}
WRONG_FILE = "wrong file identifier/HTTP URL specified"


def resolve_media(world: World, p: Params, kind: str, value: Any, field: str | None) -> StoredFile:
    """Turn a media parameter into a stored file.

    ``value`` is the decoded parameter (a file id, ``attach://<part>`` or an http(s) URL), or
    ``None`` when PTB uploaded the file as the multipart part named ``field``.
    """
    if value is None or value == "":
        upload = p.files.get(field) if field else None
        if upload is None:
            raise bad_request(f"there is no {kind} in the request")
        return _from_upload(world, kind, upload.content, upload.filename, upload.content_type)
    if not isinstance(value, str):
        raise bad_request(WRONG_FILE)
    if value.startswith("attach://"):
        upload = p.files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request(WRONG_FILE)
        return _from_upload(world, kind, upload.content, upload.filename, upload.content_type)
    if value.startswith(("http://", "https://")):
        name = PurePosixPath(urlparse(value).path).name or None
        return world.files.add(kind, b"", file_name=name)
    stored = world.files.get(value)
    if stored is None:
        raise bad_request(WRONG_FILE)
    if stored.kind != kind and not {stored.kind, kind} <= _INTERCHANGEABLE:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def _from_upload(
    world: World, kind: str, content: bytes, filename: str, content_type: str
) -> StoredFile:
    if not content:
        raise bad_request("file must be non-empty")
    mime = None if content_type == "application/octet-stream" else content_type
    return world.files.add(kind, content, file_name=filename, mime_type=mime)
