"""Turning a Payload into the Bot API call that sends it."""

from __future__ import annotations

from typing import Any, TypedDict

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    LinkPreviewOptions,
    MessageEntity,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from turnout.delivery.payload import Media, Payload

InputMediaItem = InputMediaAudio | InputMediaDocument | InputMediaPhoto | InputMediaVideo
_ALBUM_ITEM: dict[str, type[InputMediaItem]] = {
    "photo": InputMediaPhoto,
    "video": InputMediaVideo,
    "document": InputMediaDocument,
    "audio": InputMediaAudio,
}


def _keyboard(payload: Payload) -> InlineKeyboardMarkup | None:
    if not payload.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button.text, url=button.url, callback_data=button.callback_data
                )
                for button in row
            ]
            for row in payload.buttons
        ]
    )


def not_modified(error: BadRequest) -> bool:
    """Telegram's answer to an edit that would leave the message as it is: what was wanted."""
    return "not modified" in error.message.lower()


async def send_payload(bot: Bot, chat_id: int, payload: Payload, time_limit: float) -> list[int]:
    """Carry out one payload in one chat; return the ids of the messages concerned."""
    limits = _limits(time_limit)
    if payload.delete:
        for message_id in payload.delete:
            try:
                await bot.delete_message(chat_id, message_id, **limits)
            except BadRequest as error:
                # Already gone (a retry, or the reader deleted it): that is what was wanted.
                if "not found" not in error.message.lower():
                    raise
        return list(payload.delete)
    if payload.pin_of is not None:
        # Quietly: the message itself notified. Pinning what is already pinned is no error.
        await bot.pin_chat_message(chat_id, payload.pin_of, disable_notification=True, **limits)
        return [payload.pin_of]
    if payload.edit_of is not None:
        try:
            return [await _edit(bot, chat_id, payload, limits)]
        except BadRequest as error:
            # A retried edit that had worked the first time: the message already says this.
            if not not_modified(error):
                raise
            return [payload.edit_of]
    if payload.is_album:
        items = [_album_item(item, payload, first=i == 0) for i, item in enumerate(payload.media)]
        messages = await bot.send_media_group(chat_id, items, **limits)
        return [message.message_id for message in messages]
    return [await _send_one(bot, chat_id, payload, limits)]


async def _edit(bot: Bot, chat_id: int, payload: Payload, limits: Limits) -> int:
    assert payload.edit_of is not None
    entities = _entities(payload)
    parse_mode = None if entities else ParseMode.HTML
    markup = _keyboard(payload)
    if payload.media:
        await bot.edit_message_caption(
            chat_id, payload.edit_of, caption=payload.text, caption_entities=entities,
            parse_mode=parse_mode, reply_markup=markup, **limits,
        )  # fmt: skip
    else:
        await bot.edit_message_text(
            payload.text, chat_id, payload.edit_of, entities=entities, parse_mode=parse_mode,
            reply_markup=markup, **limits,
        )  # fmt: skip
    return payload.edit_of


async def _send_one(bot: Bot, chat_id: int, payload: Payload, limits: Limits) -> int:
    markup = _keyboard(payload)
    if payload.copy_of is not None:
        from_chat, message_id = payload.copy_of
        copied = await bot.copy_message(
            chat_id,
            from_chat,
            message_id,
            reply_markup=markup,
            **limits,
        )
        return copied.message_id
    if payload.media:
        return await _send_one_media(bot, chat_id, payload.media[0], payload, markup, limits)
    text, entities = payload.text, _entities(payload)
    message = await bot.send_message(
        chat_id,
        text,
        parse_mode=None if entities else ParseMode.HTML,
        entities=entities,
        # A plain text message (the payload allows no other with it): it takes the keyboard.
        reply_markup=ReplyKeyboardRemove() if payload.remove_keyboard else markup,
        link_preview_options=LinkPreviewOptions(is_disabled=not payload.link_preview),
        **limits,
    )
    return message.message_id


class Limits(TypedDict):
    """One time limit for every phase of a request: a stuck send must not hold a slot long."""

    read_timeout: float
    write_timeout: float
    connect_timeout: float
    pool_timeout: float


def _limits(seconds: float) -> Limits:
    return Limits(
        read_timeout=seconds, write_timeout=seconds, connect_timeout=seconds, pool_timeout=seconds
    )


def _entities(payload: Payload) -> list[MessageEntity] | None:
    """The author's own formatting, when kept; otherwise the text is HTML."""
    if not payload.entities:
        return None
    return [entity for entity in map(_entity, payload.entities) if entity is not None]


def _entity(data: dict[str, Any]) -> MessageEntity | None:
    return MessageEntity.de_json(data, None)


def _album_item(item: Media, payload: Payload, *, first: bool) -> InputMediaItem:
    caption = payload.text if first and payload.text else None
    entities = _entities(payload) if caption else None
    parse_mode = None if entities or not caption else ParseMode.HTML
    media_type = _ALBUM_ITEM[item.kind]
    return media_type(
        item.file_id, caption=caption, caption_entities=entities, parse_mode=parse_mode
    )


async def _send_one_media(
    bot: Bot,
    chat_id: int,
    item: Media,
    payload: Payload,
    markup: InlineKeyboardMarkup | None,
    limits: Limits,
) -> int:
    caption = payload.text or None
    entities = _entities(payload) if caption else None
    parse_mode = None if entities or not caption else ParseMode.HTML
    common: dict[str, Any] = {
        "caption": caption,
        "caption_entities": entities,
        "parse_mode": parse_mode,
        "reply_markup": markup,
    }
    if item.kind == "photo":
        message = await bot.send_photo(chat_id, item.file_id, **common, **limits)
    elif item.kind == "video":
        message = await bot.send_video(chat_id, item.file_id, **common, **limits)
    elif item.kind == "document":
        message = await bot.send_document(chat_id, item.file_id, **common, **limits)
    elif item.kind == "animation":
        message = await bot.send_animation(chat_id, item.file_id, **common, **limits)
    elif item.kind == "audio":
        message = await bot.send_audio(chat_id, item.file_id, **common, **limits)
    else:
        message = await bot.send_voice(chat_id, item.file_id, **common, **limits)
    return message.message_id
