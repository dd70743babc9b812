"""Methods that change or remove existing messages, and answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from ..errors import BLOCKED_BY_USER, bad_request, forbidden
from ..jsonutil import JSONDict, clone
from ..params import Params
from ..validate import check_caption, check_reply_markup, check_text
from ..world import FakeChat, StoredMessage
from .base import Ctx, api_method
from .sending import link_preview

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _editable(ctx: Ctx, p: Params) -> tuple[FakeChat, StoredMessage]:
    chat = ctx.world.resolve(p.chat_ref())
    if chat.id in ctx.world.forbidden:
        raise forbidden(ctx.world.forbidden[chat.id])
    if chat.type == "private" and chat.blocked:
        raise forbidden(BLOCKED_BY_USER)
    stored = ctx.world.message(chat, p.req_int("message_id"))
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat, stored


def _inline_markup(p: Params) -> JSONDict | None:
    markup = p.get_obj("reply_markup")
    check_reply_markup(markup)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    if markup is not None and not markup["inline_keyboard"]:
        return None
    return markup


def _apply(
    ctx: Ctx,
    chat: FakeChat,
    stored: StoredMessage,
    changes: JSONDict,
    parse_mode: str | None,
    markup: JSONDict | None,
) -> JSONDict:
    """Apply ``changes`` (``None`` values remove keys) or fail with "not modified"."""
    before = (
        {key: stored.data.get(key) for key in changes},
        stored.parse_mode,
        stored.data.get("reply_markup"),
    )
    after = (changes, parse_mode, markup)
    if before == after:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            stored.data.pop(key, None)
        else:
            stored.data[key] = value
    stored.parse_mode = parse_mode
    stored.reply_markup = clone(markup) if markup is not None else None
    if markup is None:
        stored.data.pop("reply_markup", None)
    else:
        stored.data["reply_markup"] = clone(markup)
    ctx.world.record_edit(chat, stored)
    return clone(stored.data)


@api_method("editMessageText")
async def edit_message_text(ctx: Ctx, p: Params) -> Any:
    """Change a text message; omitting ``reply_markup`` removes the inline keyboard."""
    if p.has("inline_message_id"):
        check_text(p.get_str("text"), p.get_str("parse_mode"))
        return True
    chat, stored = _editable(ctx, p)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    parse_mode = p.get_str("parse_mode")
    text = check_text(p.get_str("text"), parse_mode)
    markup = _inline_markup(p)
    changes: JSONDict = {
        "text": text,
        "entities": p.get_list("entities") or None,
        "link_preview_options": link_preview(p),
    }
    return _apply(ctx, chat, stored, changes, parse_mode, markup)


@api_method("editMessageCaption")
async def edit_message_caption(ctx: Ctx, p: Params) -> Any:
    """Change (or with an empty caption, remove) a media caption."""
    if p.has("inline_message_id"):
        return True
    chat, stored = _editable(ctx, p)
    if "text" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    parse_mode = p.get_str("parse_mode")
    caption = p.get_str("caption") or None
    check_caption(caption, parse_mode)
    markup = _inline_markup(p)
    changes: JSONDict = {
        "caption": caption,
        "caption_entities": (p.get_list("caption_entities") or None) if caption else None,
    }
    return _apply(ctx, chat, stored, changes, parse_mode if caption else None, markup)


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(ctx: Ctx, p: Params) -> Any:
    """Replace (or, when omitted, remove) the inline keyboard."""
    if p.has("inline_message_id"):
        return True
    chat, stored = _editable(ctx, p)
    return _apply(ctx, chat, stored, {}, stored.parse_mode, _inline_markup(p))


def _delete(ctx: Ctx, chat: FakeChat, message_id: int) -> bool:
    stored = ctx.world.message(chat, message_id)
    if stored is None:
        return False
    if not stored.from_bot and chat.type != "private":
        bot = ctx.world.member(chat, ctx.world.bot.id)
        if not bot.right("can_delete_messages"):
            raise bad_request("message can't be deleted")
    ctx.world.record_deletion(chat, stored)
    if chat.pinned_message_id == message_id:
        chat.pinned_message_id = None
    return True


@api_method("deleteMessage")
async def delete_message(ctx: Ctx, p: Params) -> bool:
    """Delete one message."""
    chat = ctx.world.resolve(p.chat_ref())
    if not _delete(ctx, chat, p.req_int("message_id")):
        raise bad_request("message to delete not found")
    return True


@api_method("deleteMessages")
async def delete_messages(ctx: Ctx, p: Params) -> bool:
    """Delete several messages; missing ones are skipped."""
    chat = ctx.world.resolve(p.chat_ref())
    ids = p.get_list("message_ids")
    if not ids:
        raise bad_request("message_ids is empty")
    for message_id in ids:
        _delete(ctx, chat, int(message_id))
    return True


@api_method("answerCallbackQuery")
async def answer_callback_query(ctx: Ctx, p: Params) -> bool:
    """Record the answer; every query can be answered once."""
    query_id = p.req_str("callback_query_id")
    query = ctx.world.callback_queries.get(query_id)
    if query is None or query.get("answered"):
        raise bad_request(QUERY_INVALID)
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer: JSONDict = {"callback_query_id": query_id, "user_id": query["user_id"]}
    for key in ("text", "show_alert", "url", "cache_time"):
        if p.has(key):
            answer[key] = p.raw(key)
    answer.setdefault("show_alert", False)
    query["answered"] = True
    ctx.world.callback_answers.append(answer)
    return True


@api_method("pinChatMessage")
async def pin_chat_message(ctx: Ctx, p: Params) -> bool:
    """Pin a message."""
    chat = ctx.world.resolve(p.chat_ref())
    ctx.world.check_can_send(chat)
    message_id = p.req_int("message_id")
    if ctx.world.message(chat, message_id) is None:
        raise bad_request("message to pin not found")
    chat.pinned_message_id = message_id
    return True


@api_method("unpinChatMessage", "unpinAllChatMessages")
async def unpin_chat_message(ctx: Ctx, p: Params) -> bool:
    """Unpin the pinned message."""
    chat = ctx.world.resolve(p.chat_ref())
    chat.pinned_message_id = None
    return True
