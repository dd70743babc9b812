"""Methods that create messages: sendMessage, the media senders, copy and forward."""

from __future__ import annotations

import copy
import itertools

from ..errors import bad_request
from ..jsonutil import JSONDict, clone
from ..params import Params
from ..validate import check_caption, check_reply_markup, check_text
from ..world import FakeChat, StoredMessage
from .base import Ctx, Handler, api_method
from .media import resolve_media

_OPTION_KEYS = (
    "disable_notification",
    "protect_content",
    "message_thread_id",
    "message_effect_id",
    "allow_paid_broadcast",
    "business_connection_id",
)
COPYABLE = (
    "text",
    "entities",
    "link_preview_options",
    "photo",
    "video",
    "document",
    "animation",
    "voice",
    "audio",
    "sticker",
    "location",
    "venue",
    "contact",
    "caption",
    "caption_entities",
    "has_media_spoiler",
    "show_caption_above_media",
)
_media_group_ids = itertools.count(13000000000000001)


def target_chat(ctx: Ctx, p: Params) -> FakeChat:
    """The ``chat_id`` chat, checked for the bot's right to post there."""
    chat = ctx.world.resolve(p.chat_ref())
    ctx.world.check_can_send(chat)
    return chat


def _reply_target(ctx: Ctx, p: Params, chat: FakeChat) -> JSONDict | None:
    params = p.get_obj("reply_parameters")
    message_id = p.get_int("reply_to_message_id")
    allow_missing = p.get_bool("allow_sending_without_reply")
    source = chat
    if params is not None:
        message_id = params.get("message_id")
        allow_missing = bool(params.get("allow_sending_without_reply", allow_missing))
        if params.get("chat_id") is not None:
            source = ctx.world.resolve(params["chat_id"])
    if message_id is None:
        return None
    replied = ctx.world.message(source, int(message_id))
    if replied is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    data = clone(replied.data)
    data.pop("reply_to_message", None)
    return data


def _options(p: Params) -> JSONDict:
    return {key: p.raw(key) for key in _OPTION_KEYS if p.has(key)}


def post(
    ctx: Ctx,
    p: Params,
    chat: FakeChat,
    content: JSONDict,
    *,
    parse_mode: str | None = None,
    reply_markup: JSONDict | None = None,
    with_reply: bool = True,
) -> StoredMessage:
    """Store a message from the bot in ``chat`` (channel posts are sent as the channel)."""
    if with_reply:
        replied = _reply_target(ctx, p, chat)
        if replied is not None:
            content["reply_to_message"] = replied
    return ctx.world.store_message(
        chat,
        content,
        sender=None if chat.type == "channel" else ctx.world.bot,
        from_bot=True,
        parse_mode=parse_mode,
        reply_markup=reply_markup,
        options=_options(p),
    )


def _markup(p: Params) -> JSONDict | None:
    markup = p.get_obj("reply_markup")
    check_reply_markup(markup)
    return markup


def link_preview(p: Params) -> JSONDict | None:
    """``link_preview_options``, also honouring the legacy ``disable_web_page_preview``."""
    options = p.get_obj("link_preview_options")
    if options is None and p.get_bool("disable_web_page_preview"):
        options = {"is_disabled": True}
    return options


@api_method("sendMessage")
async def send_message(ctx: Ctx, p: Params) -> JSONDict:
    """Send a text message; the raw text and ``parse_mode`` are kept as given."""
    chat = target_chat(ctx, p)
    parse_mode = p.get_str("parse_mode")
    text = check_text(p.get_str("text"), parse_mode)
    markup = _markup(p)
    content: JSONDict = {"text": text}
    entities = p.get_list("entities")
    if entities:
        content["entities"] = entities
    preview = link_preview(p)
    if preview is not None:
        content["link_preview_options"] = preview
    return clone(post(ctx, p, chat, content, parse_mode=parse_mode, reply_markup=markup).data)


def caption_content(p: Params, parse_mode: str | None) -> JSONDict:
    """``caption``/``caption_entities`` and friends, validated."""
    caption = p.get_str("caption")
    check_caption(caption, parse_mode)
    content: JSONDict = {}
    if caption:
        content["caption"] = caption
        entities = p.get_list("caption_entities")
        if entities:
            content["caption_entities"] = entities
    if p.get_bool("has_spoiler"):
        content["has_media_spoiler"] = True
    if p.get_bool("show_caption_above_media"):
        content["show_caption_above_media"] = True
    return content


def _media_sender(kind: str) -> Handler:
    async def send(ctx: Ctx, p: Params) -> JSONDict:
        chat = target_chat(ctx, p)
        parse_mode = p.get_str("parse_mode")
        content = caption_content(p, parse_mode)
        markup = _markup(p)
        stored_file = resolve_media(ctx.world, p, kind, p.raw(kind), kind)
        media: JSONDict = {kind: stored_file.media()}
        if kind == "animation":
            media["document"] = stored_file.media()
        media.update(content)
        message = post(ctx, p, chat, media, parse_mode=parse_mode, reply_markup=markup)
        return clone(message.data)

    send.__name__ = f"send_{kind}"
    send.__doc__ = f"send{kind.title()}: a file id, an http(s) URL or an upload."
    return send


for _kind in ("photo", "video", "document", "animation", "voice", "audio", "sticker"):
    api_method(f"send{_kind.title()}")(_media_sender(_kind))


@api_method("sendLocation")
async def send_location(ctx: Ctx, p: Params) -> JSONDict:
    """Send a point on the map."""
    chat = target_chat(ctx, p)
    latitude = p.get_float("latitude")
    longitude = p.get_float("longitude")
    if latitude is None or longitude is None:
        raise bad_request("latitude and longitude must be specified")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    markup = _markup(p)
    content: JSONDict = {"location": {"latitude": latitude, "longitude": longitude}}
    return clone(post(ctx, p, chat, content, reply_markup=markup).data)


_GROUPABLE = ({"photo", "video"}, {"document"}, {"audio"})


@api_method("sendMediaGroup")
async def send_media_group(ctx: Ctx, p: Params) -> list[JSONDict]:
    """Send 2-10 media as an album; every message gets the same ``media_group_id``."""
    chat = target_chat(ctx, p)
    items = p.get_list("media")
    if not items or not 2 <= len(items) <= 10:
        raise bad_request("wrong number of media in the album: must be between 2 and 10")
    if not all(isinstance(item, dict) for item in items):
        raise bad_request("can't parse InputMedia JSON object")
    kinds = {item.get("type") for item in items}
    if not any(kinds <= group for group in _GROUPABLE):
        raise bad_request("document, audio and other media can't be mixed in an album")
    group_id = str(next(_media_group_ids))
    prepared: list[tuple[JSONDict, str | None]] = []
    for item in items:
        kind = str(item.get("type"))
        parse_mode = item.get("parse_mode") or None
        caption = item.get("caption")
        check_caption(caption, parse_mode)
        stored_file = resolve_media(ctx.world, p, kind, item.get("media"), None)
        content: JSONDict = {"media_group_id": group_id, kind: stored_file.media()}
        if caption:
            content["caption"] = caption
            if item.get("caption_entities"):
                content["caption_entities"] = item["caption_entities"]
        if item.get("has_spoiler"):
            content["has_media_spoiler"] = True
        prepared.append((content, parse_mode))
    replied = _reply_target(ctx, p, chat)
    messages = []
    for content, parse_mode in prepared:
        if replied is not None:
            content["reply_to_message"] = clone(replied)
        stored = post(ctx, p, chat, content, parse_mode=parse_mode, with_reply=False)
        messages.append(clone(stored.data))
    return messages


def _source(ctx: Ctx, p: Params, action: str) -> tuple[FakeChat, StoredMessage]:
    source_chat = ctx.world.resolve(p.chat_ref("from_chat_id"))
    source = ctx.world.message(source_chat, p.req_int("message_id"))
    if source is None:
        raise bad_request(f"message to {action} not found")
    if not any(key in source.data for key in COPYABLE):
        raise bad_request(f"message can't be {action}ed")
    return source_chat, source


@api_method("copyMessage")
async def copy_message(ctx: Ctx, p: Params) -> JSONDict:
    """Copy a stored message's content (no forward header); returns ``MessageId``."""
    chat = target_chat(ctx, p)
    _source_chat, source = _source(ctx, p, "copy")
    content = {key: copy.deepcopy(source.data[key]) for key in COPYABLE if key in source.data}
    parse_mode = source.parse_mode
    if p.has("caption"):
        parse_mode = p.get_str("parse_mode")
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(caption_content(p, parse_mode))
    markup = _markup(p)
    stored = post(ctx, p, chat, content, parse_mode=parse_mode, reply_markup=markup)
    return {"message_id": stored.message_id}


def forward_origin(source_chat: FakeChat, source: StoredMessage) -> JSONDict:
    """The ``MessageOrigin`` a forward of ``source`` carries."""
    if "forward_origin" in source.data:
        return clone(source.data["forward_origin"])
    date = source.data["date"]
    if source_chat.type == "channel":
        return {
            "type": "channel",
            "date": date,
            "chat": source_chat.to_dict(),
            "message_id": source.message_id,
        }
    if "from" in source.data:
        return {"type": "user", "date": date, "sender_user": clone(source.data["from"])}
    return {"type": "chat", "date": date, "sender_chat": clone(source.data["sender_chat"])}


@api_method("forwardMessage")
async def forward_message(ctx: Ctx, p: Params) -> JSONDict:
    """Forward a stored message; the result carries ``forward_origin``."""
    chat = target_chat(ctx, p)
    source_chat, source = _source(ctx, p, "forward")
    content: JSONDict = {"forward_origin": forward_origin(source_chat, source)}
    content.update({key: copy.deepcopy(source.data[key]) for key in COPYABLE if key in source.data})
    stored = post(ctx, p, chat, content, parse_mode=source.parse_mode, with_reply=False)
    return clone(stored.data)
