"""Sending one payload at once, without the outbox: a preview to the person composing a call.

The same requests as the outbox makes (``wire.plan``), sent through python-telegram-bot, so a
preview looks exactly as the copies will, and its errors are the library's, as a handler's
replies are.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from telegram import (
    Bot,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    MessageEntity,
)
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

from turnout.delivery.payload import Payload
from turnout.delivery.wire import message_ids, plan


async def send_now(bot: Bot, chat_id: int, payload: Payload, time_limit: float) -> list[int]:
    """Send ``payload`` to ``chat_id`` now; the ids of the messages it made."""
    steps = plan(payload)
    result: Any = None
    for call in steps.calls:
        params: dict[str, Any] = json.loads(call.body(chat_id))
        if "media" in params:
            # The application's bot puts its default parse mode into every item of an album,
            # which must be the library's objects for it.
            params["media"] = [_album_item(item) for item in params["media"]]
        try:
            with warnings.catch_warnings():
                # The library would rather we called ``bot.send_message``; the request is made
                # by ``wire`` on purpose, the same as the outbox's.
                warnings.simplefilter("ignore", PTBUserWarning)
                result = await bot.do_api_request(
                    call.method,
                    api_kwargs=params,
                    read_timeout=time_limit,
                    write_timeout=time_limit,
                    connect_timeout=time_limit,
                    pool_timeout=time_limit,
                )
        except BadRequest as error:
            if call.tolerate is None or call.tolerate not in error.message.lower():
                raise
    if steps.fixed_ids is not None:
        return list(steps.fixed_ids)
    return message_ids(result)


_ALBUM_ITEMS = {
    "photo": InputMediaPhoto,
    "video": InputMediaVideo,
    "document": InputMediaDocument,
    "audio": InputMediaAudio,
}


def _album_item(
    item: dict[str, Any],
) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument | InputMediaAudio:
    entities = [MessageEntity.de_json(entity, None) for entity in item.get("caption_entities", ())]
    kind = _ALBUM_ITEMS[str(item["type"])]
    made: InputMediaPhoto | InputMediaVideo | InputMediaDocument | InputMediaAudio = kind(
        str(item["media"]),
        caption=item.get("caption"),
        caption_entities=entities or None,
        parse_mode=item.get("parse_mode"),
    )
    return made
