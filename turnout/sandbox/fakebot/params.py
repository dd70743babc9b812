"""Decoding of Bot API requests: query string, url-encoded form, multipart and JSON bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from .errors import bad_request
from .jsonutil import JSONDict

STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "description",
        "document",
        "emoji",
        "explanation",
        "file_id",
        "first_name",
        "inline_message_id",
        "invite_link",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "parse_mode",
        "phone_number",
        "photo",
        "query",
        "question",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "username",
        "vcard",
        "video",
        "video_note",
        "voice",
    }
)
"""Parameters that are always plain strings and must never be JSON-decoded."""


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    content: bytes


def decode_value(name: str, value: Any) -> Any:
    """Turn a transported value into a Python object.

    PTB form-encodes every non-string value as a JSON string (``"123"``, ``"true"``,
    ``'{"inline_keyboard": ...}'``); strings are sent verbatim. So everything that is not a
    known string parameter is JSON-decoded when it parses, and kept as-is otherwise
    (e.g. ``chat_id="@channel"``).
    """
    if not isinstance(value, str) or name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_request(request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Read all parameters and uploaded files of ``request``."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            raw.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        content=value.file.read(),
                    )
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8", errors="replace")
                else:
                    raw[key] = value
    return {key: decode_value(key, value) for key, value in raw.items()}, files


T = TypeVar("T")


def _required(name: str, value: T | None) -> T:
    """``value``, unless it is missing or empty: then Telegram's error for it."""
    if value is None or value == "":
        raise bad_request(f"{name} is empty")
    return value


class Params:
    """Typed access to the decoded parameters of one call; raises Telegram-style errors."""

    def __init__(self, values: JSONDict, files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        """Whether ``name`` was given (and is not null)."""
        return self.values.get(name) is not None

    def raw(self, name: str) -> Any:
        """The decoded value, or ``None``."""
        return self.values.get(name)

    def get_str(self, name: str, default: str | None = None) -> str | None:
        """An optional string parameter."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, dict | list):
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def req_str(self, name: str) -> str:
        """A required string parameter."""
        return _required(name, self.get_str(name))

    def get_int(self, name: str, default: int | None = None) -> int | None:
        """An optional integer parameter."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def req_int(self, name: str) -> int:
        """A required integer parameter."""
        return _required(name, self.get_int(name))

    def get_float(self, name: str, default: float | None = None) -> float | None:
        """An optional number parameter."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        """An optional boolean parameter (``true``/``false``/``1``/``0``)."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        return str(value).strip().lower() in {"true", "1", "yes"}

    def get_obj(self, name: str) -> JSONDict | None:
        """An optional JSON object parameter."""
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def get_list(self, name: str) -> list[Any] | None:
        """An optional JSON array parameter."""
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, list):
            raise bad_request(f"can't parse {name} JSON array")
        return value

    def chat_ref(self, name: str = "chat_id") -> int | str:
        """A chat identifier: an integer id or an ``@username``."""
        value = _required(name, self.values.get(name))
        if isinstance(value, bool):
            raise bad_request("chat not found")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            return text
