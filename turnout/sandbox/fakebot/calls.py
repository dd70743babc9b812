"""The record of every request the fake server received."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .jsonutil import JSONDict
from .params import UploadedFile


@dataclass
class ApiCall:
    """One Bot API request and how it was answered.

    ``params`` are decoded (nested JSON such as ``reply_markup`` is a Python object; numbers and
    booleans are Python numbers/booleans). ``status`` is ``None`` while the call is in flight.
    """

    method: str
    params: JSONDict
    files: dict[str, UploadedFile] = field(default_factory=dict)
    timestamp: float = 0.0
    http_method: str = "POST"
    status: int | None = None
    result: Any = None
    error: str | None = None
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered with ``{"ok": true}``."""
        return self.status == 200

    @property
    def done(self) -> bool:
        """Whether the call has been answered."""
        return self.status is not None

    @property
    def chat_id(self) -> int | str | None:
        """The ``chat_id`` parameter, if any."""
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None

    def summary(self) -> str:
        """A one-line description for assertion messages."""
        bits = [f"{self.method} -> {self.status if self.status is not None else 'pending'}"]
        if self.chat_id is not None:
            bits.append(f"chat_id={self.chat_id}")
        for key in ("text", "caption", "data", "callback_query_id", "message_id"):
            if key in self.params:
                value = repr(self.params[key])
                bits.append(f"{key}={value if len(value) < 60 else value[:57] + '...'}")
        if self.error:
            bits.append(f"error={self.error!r}")
        return " ".join(bits)
