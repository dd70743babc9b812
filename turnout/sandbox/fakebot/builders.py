"""Builders for the updates a test injects: user messages, button presses, membership changes.

Each builder also records its effect in the :class:`~.world.World` (the user's message is
stored in the chat, a block marks the private chat as blocked, ...) and returns the update
payload without ``update_id`` (assigned when pushed).
"""

from __future__ import annotations

import copy
import io
import itertools
import re
import secrets
from typing import Any

from PIL import Image

from .jsonutil import JSONDict, clone, utf16_len
from .members import Member, make_member, member_dict
from .world import FakeChat, StoredMessage, UserRecord, World

_query_ids = itertools.count(4_000_000_000_000_000_001)

CHANNEL_ADMIN_DEFAULTS = {
    "can_post_messages": True,
    "can_edit_messages": True,
    "can_delete_messages": True,
    "can_invite_users": True,
}
"""Rights a channel owner typically grants when adding a bot as administrator."""


def command_entities(text: str) -> list[JSONDict]:
    """A ``bot_command`` entity at offset 0 when ``text`` starts with ``/`` (incl. ``@bot``)."""
    match = re.match(r"/[^\s]+", text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def update_key(chat: FakeChat) -> str:
    """``channel_post`` for channels, ``message`` otherwise."""
    return "channel_post" if chat.type == "channel" else "message"


def message_payload(chat: FakeChat, stored: StoredMessage) -> JSONDict:
    """The update payload carrying ``stored``."""
    return {update_key(chat): clone(stored.data)}


def fake_jpeg() -> bytes:
    """A small real JPEG, different each time (the bot may decode it to strip metadata)."""
    image = Image.frombytes("RGB", (8, 8), secrets.token_bytes(8 * 8 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _reply_content(world: World, chat: FakeChat, reply_to: int | None) -> JSONDict:
    if reply_to is None:
        return {}
    replied = world.message(chat, reply_to)
    if replied is None:
        raise AssertionError(f"cannot reply to message {reply_to}: not in chat {chat.id}")
    data = clone(replied.data)
    data.pop("reply_to_message", None)
    return {"reply_to_message": data}


def text_message(
    world: World,
    user: UserRecord,
    chat: FakeChat,
    text: str,
    *,
    reply_to: int | None = None,
    entities: list[JSONDict] | None = None,
) -> StoredMessage:
    """A text message from ``user`` in ``chat``; commands get their ``bot_command`` entity."""
    content: JSONDict = {"text": text}
    found = entities if entities is not None else command_entities(text)
    if found:
        content["entities"] = found
    content.update(_reply_content(world, chat, reply_to))
    return world.store_message(chat, content, sender=user)


def photo_message(
    world: World,
    user: UserRecord,
    chat: FakeChat,
    *,
    caption: str | None = None,
    content: bytes | None = None,
    media_group_id: str | None = None,
    caption_entities: list[JSONDict] | None = None,
) -> StoredMessage:
    """A photo (all sizes resolvable with ``getFile``) from ``user`` in ``chat``; part of an
    album when ``media_group_id`` is given."""
    sizes = world.files.add_photo(content if content is not None else fake_jpeg())
    body: JSONDict = {"photo": [size.photo_size() for size in sizes]}
    return _media_message(world, user, chat, body, caption, media_group_id, caption_entities)


def document_message(
    world: World,
    user: UserRecord,
    chat: FakeChat,
    content: bytes,
    *,
    file_name: str,
    mime_type: str,
    caption: str | None = None,
    media_group_id: str | None = None,
    kind: str = "document",
    caption_entities: list[JSONDict] | None = None,
) -> StoredMessage:
    """A file sent as a document (uncompressed, metadata kept), or as another ``kind`` of file
    (``video``, ``voice``, ``animation``), resolvable with ``getFile``."""
    stored = world.files.add(kind, content, file_name=file_name, mime_type=mime_type)
    body: JSONDict = {kind: stored.media()}
    return _media_message(world, user, chat, body, caption, media_group_id, caption_entities)


def _media_message(
    world: World,
    user: UserRecord,
    chat: FakeChat,
    body: JSONDict,
    caption: str | None,
    media_group_id: str | None,
    caption_entities: list[JSONDict] | None = None,
) -> StoredMessage:
    """Store the file message ``body`` from ``user``, with its caption (and its formatting)
    and album, if any."""
    if caption:
        body["caption"] = caption
        if caption_entities:
            body["caption_entities"] = caption_entities
    if media_group_id is not None:
        body["media_group_id"] = media_group_id
    return world.store_message(chat, body, sender=user)


def location_message(
    world: World,
    user: UserRecord,
    chat: FakeChat,
    latitude: float,
    longitude: float,
    live_period: int | None = None,
) -> StoredMessage:
    """A location shared by ``user`` in ``chat`` (a live one for ``live_period`` seconds)."""
    location: JSONDict = {"latitude": latitude, "longitude": longitude}
    if live_period is not None:
        location["live_period"] = live_period
    return world.store_message(chat, {"location": location}, sender=user)


def channel_post(world: World, channel: FakeChat, text: str) -> StoredMessage:
    """A post published in ``channel`` (sent as the channel itself)."""
    return world.store_message(channel, {"text": text}, sender=None)


def forwarded_channel_post(
    world: World,
    user: UserRecord,
    chat: FakeChat,
    channel: FakeChat,
    *,
    text: str | None = None,
    message_id: int | None = None,
) -> StoredMessage:
    """``user`` forwards a post of ``channel`` into ``chat`` (``forward_origin`` of type channel).

    With ``message_id`` an existing channel message is forwarded; otherwise a new post with
    ``text`` is created in the channel first.
    """
    if message_id is not None:
        post = world.message(channel, message_id)
        if post is None:
            raise AssertionError(f"channel {channel.id} has no message {message_id}")
    else:
        post = channel_post(world, channel, text or f"A post in {channel.title}")
    body: JSONDict = {
        "forward_origin": {
            "type": "channel",
            "date": post.data["date"],
            "chat": channel.to_dict(),
            "message_id": post.message_id,
        }
    }
    for key in ("text", "entities", "caption", "caption_entities", "photo", "video", "document"):
        if key in post.data:
            body[key] = copy.deepcopy(post.data[key])
    return world.store_message(chat, body, sender=user)


def chat_instance(chat: FakeChat) -> str:
    """A stable ``chat_instance`` for callback queries from ``chat``."""
    return str(5_000_000_000_000_000_000 + abs(chat.id) * 7919)


def callback_query(
    world: World, user: UserRecord, stored: StoredMessage, data: str | None
) -> JSONDict:
    """A press on an inline button of ``stored`` (registered so it can be answered once)."""
    chat = world.chat(stored.chat_id)
    query_id = str(next(_query_ids))
    query: JSONDict = {
        "id": query_id,
        "from": user.to_dict(),
        "message": clone(stored.data),
        "chat_instance": chat_instance(chat),
    }
    if data is not None:
        query["data"] = data
    world.callback_queries[query_id] = {
        "user_id": user.id,
        "chat_id": chat.id,
        "message_id": stored.message_id,
        "data": data,
        "answered": False,
    }
    return {"callback_query": query}


def my_chat_member(
    world: World, chat: FakeChat, actor: UserRecord, old: Member, new: Member
) -> JSONDict:
    """A ``my_chat_member`` update about the bot's status in ``chat``."""
    bot = world.bot.to_dict()
    return {
        "my_chat_member": {
            "chat": chat.to_dict(),
            "from": actor.to_dict(),
            "date": int(world.clock()),
            "old_chat_member": member_dict(old, bot),
            "new_chat_member": member_dict(new, bot),
        }
    }


def block(world: World, user: UserRecord, *, blocked: bool) -> JSONDict:
    """``user`` blocks (or unblocks) the bot in their private chat."""
    chat = world.chat(user.id)
    old = world.member(chat, world.bot.id)
    chat.blocked = blocked
    new = world.member(chat, world.bot.id)
    return my_chat_member(world, chat, user, old, new)


def bot_membership(
    world: World, chat: FakeChat, actor: UserRecord, status: str, **rights: Any
) -> JSONDict:
    """``actor`` changes the bot's status in a group or channel (e.g. adds it as admin)."""
    if status == "administrator" and chat.type == "channel":
        rights = {**CHANNEL_ADMIN_DEFAULTS, **rights}
    old = world.member(chat, world.bot.id)
    new = make_member(status, chat.type, **rights)
    chat.members[world.bot.id] = new
    return my_chat_member(world, chat, actor, old, new)


def privacy_allows(world: World, chat: FakeChat, stored: StoredMessage) -> bool:
    """Whether Telegram would deliver this group message to a bot in privacy mode."""
    if chat.type in {"private", "channel"}:
        return True
    bot = world.member(chat, world.bot.id)
    if not bot.is_present:
        return False
    if world.bot.bot_flags.get("can_read_all_group_messages") or bot.status == "administrator":
        return True
    text = stored.text or ""
    username = (world.bot.username or "").lower()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        return "@" not in command or command.split("@", 1)[1].lower() == username
    replied = stored.data.get("reply_to_message") or {}
    if replied.get("from", {}).get("id") == world.bot.id:
        return True
    return bool(username) and f"@{username}" in text.lower()
