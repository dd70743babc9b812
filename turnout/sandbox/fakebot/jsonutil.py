"""Small JSON helpers shared by the fake server modules."""

from __future__ import annotations

import copy
import json
from typing import Any

JSONDict = dict[str, Any]
"""A decoded JSON object, as exchanged with the Bot API."""


def clone(value: JSONDict) -> JSONDict:
    """Deep-copy a JSON object so later mutations of the source do not leak into it."""
    return copy.deepcopy(value)


def canonical(value: Any) -> str:
    """A stable JSON string for ``value`` (sorted keys), usable as a dictionary key."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2
