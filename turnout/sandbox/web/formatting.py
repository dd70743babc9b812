"""Telegram's formatting as entities: read from the page's composer, and shown as HTML.

A formatted message is plain text plus entities, ranges counted in UTF-16 code units
(``{"type": "bold", "offset": 0, "length": 4}``). What the page sends is checked here before
the bot sees it, as Telegram checks what its apps send; what a chat holds is turned into the
page's HTML here, every character escaped and only known tags written. Web addresses typed as
plain text become links too, as in the apps.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeGuard
from urllib.parse import urlsplit

JSON = dict[str, Any]

# What the composer's formatting menu makes.
COMPOSER_TYPES = frozenset(
    {"bold", "italic", "underline", "strikethrough", "spoiler", "code", "text_link"}
)
# Where a link typed in the sandbox may lead: the web, or into Telegram.
COMPOSER_SCHEMES = frozenset({"http", "https", "tg"})
# Telegram's own limits on one message.
MAX_ENTITIES = 100
MAX_URL = 2048

# Links the page may show: the web, Telegram and mail; never javascript: or data:.
SAFE_SCHEMES = ("http://", "https://", "tg://", "mailto:")
# A web address in plain text: with its scheme, or starting www. or t.me/ as the apps accept.
_URL = re.compile(
    r"(?<![\w@/.:-])(?:https?://|www\.|t\.me/|telegram\.me/)[^\s<>\"'`]+", re.IGNORECASE
)
_TRAILING = ".,;:!?'\"»…"
# The tags each entity is written as (links and spoilers are built below).
_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
}
# Inside these a web address is shown as it is, not made into a second link.
_NO_AUTOLINK = frozenset({"text_link", "url", "code", "pre", "text_mention", "email"})


class BadFormatting(ValueError):
    """Entities the page should not have sent; the message says why, for the person."""


# --- from the page -------------------------------------------------------------------------


def read(raw: Any, text: str) -> list[JSON]:
    """The composer's entities for ``text``, checked and rebuilt with only their own keys.

    Each has a type the composer makes, lies within the text without splitting a character,
    and a link leads to ``http``, ``https`` or ``tg`` only.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadFormatting("The formatting was not a list.")
    if len(raw) > MAX_ENTITIES:
        raise BadFormatting(f"A message can have at most {MAX_ENTITIES} formatted parts.")
    bounds = frozenset(_boundaries(text))
    found: list[JSON] = []
    for entity in raw:
        if not isinstance(entity, dict) or entity.get("type") not in COMPOSER_TYPES:
            raise BadFormatting("That formatting is not one the sandbox can send.")
        offset, length = entity.get("offset"), entity.get("length")
        if not (_whole(offset) and _whole(length) and length > 0):
            raise BadFormatting("Formatting needs a whole offset and length.")
        if offset not in bounds or offset + length not in bounds:
            raise BadFormatting("The formatting does not fit the text.")
        kept: JSON = {"type": entity["type"], "offset": offset, "length": length}
        if entity["type"] == "text_link":
            kept["url"] = _composer_url(entity.get("url"))
        found.append(kept)
    return sorted(found, key=lambda e: (e["offset"], -e["length"]))


def strip(text: str, entities: Sequence[JSON]) -> tuple[str, list[JSON]]:
    """``text.strip()``, with the entities moved and cut to match (empty ones dropped)."""
    kept = text.strip()
    if not kept:
        return "", []
    start = _units(text[: len(text) - len(text.lstrip())])
    end = start + _units(kept)
    moved = []
    for entity in entities:
        first = max(entity["offset"], start)
        last = min(entity["offset"] + entity["length"], end)
        if last > first:
            moved.append({**entity, "offset": first - start, "length": last - first})
    return kept, moved


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _composer_url(raw: Any) -> str:
    if not isinstance(raw, str) or not raw or len(raw) > MAX_URL:
        raise BadFormatting("A link needs an address.")
    try:
        parts = urlsplit(raw)
    except ValueError:
        raise BadFormatting("That link is not a web address.") from None
    if parts.scheme.lower() not in COMPOSER_SCHEMES:
        raise BadFormatting("Links may lead to http, https or tg addresses only.")
    if parts.scheme.lower() != "tg" and not parts.netloc:
        raise BadFormatting("That link is not a web address.")
    if any(ch.isspace() or not ch.isprintable() for ch in raw):
        raise BadFormatting("A link cannot contain spaces.")
    return raw


def _units(text: str) -> int:
    """Length in UTF-16 code units (as ``utf16_len``, but a lone surrogate counts as one
    rather than failing to encode)."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _boundaries(text: str) -> Iterable[int]:
    """Every UTF-16 offset that falls between two characters (not inside an emoji's pair)."""
    unit = 0
    for ch in text:
        yield unit
        unit += 2 if ord(ch) > 0xFFFF else 1
    yield unit


# --- to the page ---------------------------------------------------------------------------


def to_html(text: str, entities: Sequence[Any] = (), *, links: bool = True) -> str:
    """``text`` with its entities as the page's HTML; with ``links``, web addresses in the
    plain text become links as well. Entities that make no sense are left out, not trusted."""
    index = {unit: position for position, unit in enumerate(_boundaries(text))}
    spans = [
        (index[e["offset"]], index[e["offset"] + e["length"]], e)
        for e in entities
        if isinstance(e, dict)
        and _whole(e.get("offset"))
        and _whole(e.get("length"))
        and e["length"] > 0
        and e["offset"] in index
        and e["offset"] + e["length"] in index
    ]
    if links:
        spans += [
            span
            for span in _addresses(text)
            if not any(
                other[0] < span[1] and span[0] < other[1] and other[2].get("type") in _NO_AUTOLINK
                for other in spans
            )
        ]
    spans.sort(key=lambda span: (span[0], -span[1]))
    out: list[str] = []
    opened: list[tuple[int, int, JSON]] = []
    points = sorted({0, len(text)} | {s[0] for s in spans} | {s[1] for s in spans})
    waiting = iter(spans)
    upcoming = next(waiting, None)
    for here, after in zip(points, [*points[1:], None], strict=True):
        # Close what ends here; an entity opened inside one that ends is closed with it and
        # opened again, since HTML nests and entities need not.
        if any(span[1] == here for span in opened):
            reopen = []
            while any(span[1] == here for span in opened):
                span = opened.pop()
                out.append(_close(span[2]))
                if span[1] != here:
                    reopen.append(span)
            for span in reversed(reopen):
                out.append(_open(span[2], text[span[0] : span[1]]))
                opened.append(span)
        while upcoming is not None and upcoming[0] == here:
            out.append(_open(upcoming[2], text[upcoming[0] : upcoming[1]]))
            opened.append(upcoming)
            upcoming = next(waiting, None)
        if after is not None:
            out.append(html.escape(text[here:after]).replace("\n", "<br>"))
    return "".join(out)


def link_attributes(href: str) -> str:
    """A link's ``href`` if its address is safe, else nothing (the text stays, inert). The
    page opens web links in a new tab that cannot reach back into it (``app.js``)."""
    if not href.lower().startswith(SAFE_SCHEMES):
        return ""
    return f' href="{html.escape(href)}"'


def _addresses(text: str) -> Iterable[tuple[int, int, JSON]]:
    for match in _URL.finditer(text):
        found = match.group(0)
        # "see https://example.org." ends the sentence, not the address; a closing bracket
        # belongs to the address only when it opened one too.
        while found and (
            found[-1] in _TRAILING or (found[-1] == ")" and found.count("(") < found.count(")"))
        ):
            found = found[:-1]
        host = found.split("://", 1)[-1].split("/", 1)[0]
        if "." not in host.strip("."):
            continue  # "https://localhost", or "www." with no name after it
        yield match.start(), match.start() + len(found), {"type": "url"}


def _open(entity: JSON, covered: str) -> str:
    kind = entity.get("type")
    if kind == "text_link":
        return f"<a{link_attributes(str(entity.get('url') or ''))}>"
    if kind == "url":
        href = covered if "://" in covered else f"https://{covered}"
        return f"<a{link_attributes(href)}>"
    if kind == "spoiler":
        return '<span class="tg-spoiler">'
    tag = _TAGS.get(str(kind))
    return f"<{tag}>" if tag else ""


def _close(entity: JSON) -> str:
    kind = entity.get("type")
    if kind in ("text_link", "url"):
        return "</a>"
    if kind == "spoiler":
        return "</span>"
    tag = _TAGS.get(str(kind))
    return f"</{tag}>" if tag else ""
