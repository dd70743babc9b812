"""What the page shows of a chat: the fake server's stored messages as JSON for ``app.js``.

Bot texts are stored as sent, with their ``parse_mode``. Telegram's HTML is a small set of
tags; :func:`safe_html` keeps exactly those (and only ``http``, ``https``, ``tg`` and
``mailto`` links) and escapes everything else, so nothing a member typed can run in the page.
Texts with entities instead (what people send, and calls, which keep their author's) are
written by :mod:`.formatting`. Web addresses in plain text are shown as links in both.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from typing import Any

from turnout.sandbox.fakebot import FakeChat, StoredMessage
from turnout.sandbox.fakebot.files import MEDIA_KINDS
from turnout.sandbox.fakebot.world import World
from turnout.sandbox.web import formatting

JSON = dict[str, Any]

# Telegram's HTML tags and what the page writes for each.
_TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "span",
    "a": "a",
}
_START_LINK = re.compile(r"^https?://(?:t|telegram)\.me/(?P<bot>\w+)\?start=(?P<payload>[\w-]+)$")


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = _TAGS.get(tag)
        if tag == "span" and ("class", "tg-spoiler") in attrs:
            found = "span"
        if found is None:
            return
        if found == "a":
            self.out.append(f"<a{formatting.link_attributes(dict(attrs).get('href') or '')}>")
        elif found == "span":
            self.out.append('<span class="tg-spoiler">')
        else:
            self.out.append(f"<{found}>")
        self.open.append(found)

    def handle_endtag(self, tag: str) -> None:
        found = "span" if tag in ("span", "tg-spoiler") else _TAGS.get(tag)
        if found is None or found not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            self.out.append(f"</{closing}>")
            if closing == found:
                break

    def handle_data(self, data: str) -> None:
        # An address inside a link or code stays text; anywhere else it becomes a link.
        links = not any(tag in ("a", "code", "pre") for tag in self.open)
        self.out.append(formatting.to_html(data, links=links))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def safe_html(text: str, parse_mode: str | None, entities: Sequence[Any] = ()) -> str:
    """The text as HTML the page can insert: Telegram HTML kept, or the entities applied;
    anything else escaped."""
    if (parse_mode or "").upper() != "HTML":
        return formatting.to_html(text, entities)
    sanitiser = _Sanitiser()
    sanitiser.feed(text)
    return sanitiser.result()


def text_html(stored: StoredMessage) -> str:
    """A message's text or caption, with its formatting, as the page shows it."""
    key = "entities" if "text" in stored.data else "caption_entities"
    entities = stored.data.get(key)
    return safe_html(
        stored.text or "", stored.parse_mode, entities if isinstance(entities, list) else ()
    )


def plain(text: str, parse_mode: str | None) -> str:
    """The text without markup, for previews in the chat list."""
    if (parse_mode or "").upper() != "HTML":
        return text
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def start_payload(url: str, bot_username: str) -> str | None:
    """The ``start`` parameter of a link into this bot (``t.me/<bot>?start=...``), else None."""
    match = _START_LINK.match(url)
    if match is None or match.group("bot").lower() != bot_username.lower():
        return None
    return match.group("payload")


def keyboard(markup: Any, bot_username: str) -> list[list[JSON]]:
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    shown: list[list[JSON]] = []
    for row in rows or []:
        buttons = []
        for button in row:
            url = button.get("url")
            buttons.append(
                {
                    "text": str(button.get("text", "")),
                    "callback": button.get("callback_data"),
                    "url": url,
                    "start": start_payload(url, bot_username) if url else None,
                }
            )
        shown.append(buttons)
    return shown


def media(data: JSON) -> list[JSON]:
    found = []
    # An animation (GIF) also carries a ``document``, as in Telegram: show it once, as video.
    kinds = [kind for kind in MEDIA_KINDS if not (kind == "document" and "animation" in data)]
    for kind in kinds:
        item = data.get(kind)
        if isinstance(item, list):  # photo sizes: the largest
            item = item[-1] if item else None
        if isinstance(item, dict):
            found.append(
                {
                    "kind": "video" if kind == "animation" else kind,
                    "url": f"/files/{item['file_id']}",
                    "name": item.get("file_name"),
                    "size": item.get("file_size"),
                }
            )
    return found


def location(data: JSON) -> JSON | None:
    venue = data.get("venue")
    point = venue.get("location") if isinstance(venue, dict) else data.get("location")
    if not isinstance(point, dict):
        return None
    return {
        "latitude": point["latitude"],
        "longitude": point["longitude"],
        "title": venue.get("title") if isinstance(venue, dict) else None,
        "address": venue.get("address") if isinstance(venue, dict) else None,
    }


def sender(world: World, chat: FakeChat, stored: StoredMessage) -> str:
    if chat.type == "channel":
        return chat.title or ""
    if stored.from_bot:
        return world.bot.first_name
    author = stored.data.get("from") or {}
    return str(author.get("first_name", ""))


def message(world: World, chat: FakeChat, stored: StoredMessage, viewer: int) -> JSON:
    data = stored.data
    author = (data.get("from") or {}).get("id")
    return {
        "id": stored.message_id,
        "ids": [stored.message_id],
        "mine": author == viewer and not stored.from_bot,
        "from_bot": stored.from_bot,
        "sender": sender(world, chat, stored),
        "date": data.get("date"),
        "edited": "edit_date" in data,
        "html": text_html(stored),
        "media": media(data),
        "location": location(data),
        "keyboard": keyboard(data.get("reply_markup"), world.bot.username or ""),
    }


def messages(world: World, chat: FakeChat, viewer: int) -> list[JSON]:
    """The chat's messages, oldest first; an album (one ``media_group_id``) is one entry."""
    shown: list[JSON] = []
    album: str | None = None
    for _, stored in sorted(chat.messages.items()):
        if stored.deleted:
            continue
        group = stored.data.get("media_group_id")
        if group is not None and group == album and shown:
            joined = shown[-1]
            joined["ids"].append(stored.message_id)
            joined["media"].extend(media(stored.data))
            if stored.text:  # each item's caption, as Telegram shows under each
                caption = text_html(stored)
                joined["html"] = f"{joined['html']}\n{caption}" if joined["html"] else caption
            continue
        album = group
        shown.append(message(world, chat, stored, viewer))
    return shown


def preview(chat: FakeChat) -> JSON:
    """The newest message's text (or kind) and date, for the chat list."""
    for _, stored in sorted(chat.messages.items(), reverse=True):
        if stored.deleted:
            continue
        text = plain(stored.text or "", stored.parse_mode)
        if not text:
            kinds: Iterable[str] = (kind for kind in MEDIA_KINDS if kind in stored.data)
            text = next(iter(kinds), "location" if "location" in stored.data else "")
        return {"preview": text.split("\n", 1)[0][:80], "date": stored.data.get("date")}
    return {"preview": "", "date": None}
