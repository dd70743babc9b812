"""A message's text as Telegram shows it to the reader."""

from __future__ import annotations

import re
from html import unescape


def seen(text: str) -> str:
    """As Telegram shows it: markup gone, entities decoded, direction isolates invisible."""
    return unescape(re.sub(r"<[^>]+>", "", text)).replace("\u2068", "").replace("\u2069", "")
