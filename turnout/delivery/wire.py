"""A payload as the Bot API requests that send it, and the answers read back: pure, no I/O.

The outbox does not build python-telegram-bot objects for its messages. A call's 20,000 copies
share one payload, so its request body is made once, as JSON with the chat id left out, and
each copy is that template with its chat id put in (``Request.body``). From an answer only
what the outbox keeps is read: the message ids, or the error and its ``retry_after``.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from turnout.delivery.errors import BadPayload, Blocked, Rejected, Throttled, Unavailable
from turnout.delivery.payload import Media, Payload

#: Methods that send a new message: these take ``allow_paid_broadcast``.
_SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendVideo",
        "sendDocument",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendMediaGroup",
        "copyMessage",
    }
)
_SEND_MEDIA = {
    "photo": "sendPhoto",
    "video": "sendVideo",
    "document": "sendDocument",
    "animation": "sendAnimation",
    "audio": "sendAudio",
    "voice": "sendVoice",
}
#: How many distinct payloads' templates are kept (one broadcast uses one per language).
_TEMPLATES_KEPT = 256


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API call, its parameters but the chat id encoded already."""

    method: str
    rest: bytes
    """The JSON object's members after ``chat_id``, with their leading comma (or empty)."""
    tolerate: str | None = None
    """An error description (lower case) that means the call's aim is already met: a retried
    edit (``not modified``), a retried delete (``not found``)."""

    def body(self, chat_id: int) -> bytes:
        return b'{"chat_id":%d%s}' % (chat_id, self.rest)


@dataclass(frozen=True, slots=True)
class Plan:
    """What sends one payload: usually one call; deleting several messages takes one each."""

    calls: tuple[Call, ...]
    fixed_ids: tuple[int, ...] | None = None
    """The message ids to record regardless of the answers (an edit, a pin, a delete)."""
    pin: bool = False
    """Once sent, the message is to be pinned (``Payload.pin``)."""
    messages: int = 1
    """How many messages a send makes: an album's items each count (and are each paid for)."""


def plan(payload: Payload, *, paid: bool = False) -> Plan:
    """The calls that send ``payload`` to any chat; ``paid`` adds ``allow_paid_broadcast`` to
    a new message (Telegram charges the bot's Stars for it, and lets it past the free rate)."""
    if payload.delete:
        calls = tuple(
            _call("deleteMessage", {"message_id": message_id}, tolerate="not found")
            for message_id in payload.delete
        )
        return Plan(calls, fixed_ids=tuple(payload.delete))
    if payload.pin_of is not None:
        # Quietly: the message itself notified. Pinning what is already pinned is no error.
        pin = {"message_id": payload.pin_of, "disable_notification": True}
        return Plan((_call("pinChatMessage", pin),), fixed_ids=(payload.pin_of,))
    if payload.edit_of is not None:
        return Plan((_edit(payload),), fixed_ids=(payload.edit_of,))
    params: dict[str, Any]
    if payload.is_album:
        method = "sendMediaGroup"
        params = {
            "media": [
                _album_item(item, payload, first=i == 0) for i, item in enumerate(payload.media)
            ]
        }
    elif payload.copy_of is not None:
        method = "copyMessage"
        from_chat, message_id = payload.copy_of
        params = {"from_chat_id": from_chat, "message_id": message_id}
        _add_keyboard(params, payload)
    elif payload.media:
        item = payload.media[0]
        if item.kind not in _SEND_MEDIA:
            raise BadPayload(f"unknown kind of media: {item.kind!r:.40}")
        method = _SEND_MEDIA[item.kind]
        params = {item.kind: item.file_id}
        _add_text(params, payload, "caption")
        _add_keyboard(params, payload)
    else:
        method = "sendMessage"
        params = {}
        _add_text(params, payload, "text")
        params["link_preview_options"] = {"is_disabled": not payload.link_preview}
        if payload.remove_keyboard:
            params["reply_markup"] = {"remove_keyboard": True}
        else:
            _add_keyboard(params, payload)
    if paid and method in _SEND_METHODS:
        params["allow_paid_broadcast"] = True
    messages = len(payload.media) if payload.is_album else 1
    return Plan((_call(method, params),), pin=payload.pin, messages=messages)


class Plans:
    """``plan`` remembered by the payload's stored JSON: the copies of one broadcast are one
    payload, parsed and encoded once."""

    def __init__(self, kept: int = _TEMPLATES_KEPT) -> None:
        self._kept = kept
        self._plans: OrderedDict[tuple[str, bool], Plan] = OrderedDict()

    def get(self, stored: str, *, paid: bool) -> Plan:
        """The plan for a row's stored payload; ``BadPayload`` if it cannot be read."""
        key = (stored, paid)
        found = self._plans.get(key)
        if found is not None:
            self._plans.move_to_end(key)
            return found
        made = plan(Payload.from_json(stored), paid=paid)
        self._plans[key] = made
        if len(self._plans) > self._kept:
            self._plans.popitem(last=False)
        return made


def message_ids(result: Any) -> list[int]:
    """The ids a successful call made: one message, an album's list, or ``copyMessage``'s
    ``MessageId``."""
    if isinstance(result, list):
        return [int(item["message_id"]) for item in result if isinstance(item, dict)]
    if isinstance(result, dict) and "message_id" in result:
        return [int(result["message_id"])]
    return []


def read_answer(status: int, body: bytes) -> Any:
    """The ``result`` of a Bot API answer, or the error it carries raised as the outbox's own
    exception: ``Throttled`` (429), ``Blocked`` (403), ``Unavailable`` (5xx, unreadable) or
    ``Rejected`` (any other refusal)."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if status >= 500 or status == 200:
            raise Unavailable(f"HTTP {status}: unreadable answer")
        raise Rejected(f"HTTP {status}: unreadable answer", status)
    if answer.get("ok") is True and status == 200:
        return answer.get("result")
    description = str(answer.get("description") or f"HTTP {status}")[:500]
    code = _number(answer.get("error_code"), status)
    parameters = answer.get("parameters")
    if code == 429 or status == 429:
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        # Never a pause of no time, nor of a day: a garbled figure waits a second.
        raise Throttled(description, min(max(_number(retry_after, 1), 1), 3600))
    if code == 403:
        raise Blocked(description)
    if code >= 500 or status >= 500:
        raise Unavailable(description)
    raise Rejected(description, code)


def _number(value: object, otherwise: int) -> int:
    """An integer from an answer, or ``otherwise`` when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return otherwise
    try:
        return int(value)
    except ValueError:
        return otherwise


def _call(method: str, params: dict[str, Any], tolerate: str | None = None) -> Call:
    encoded = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()
    rest = b"" if encoded == b"{}" else b"," + encoded[1:-1]
    return Call(method, rest, tolerate)


def _edit(payload: Payload) -> Call:
    assert payload.edit_of is not None
    params: dict[str, Any] = {"message_id": payload.edit_of}
    if payload.media:
        _add_text(params, payload, "caption", empty_too=True)
        method = "editMessageCaption"
    else:
        _add_text(params, payload, "text")
        method = "editMessageText"
    _add_keyboard(params, payload)
    # A retried edit that had worked the first time: the message already says this.
    return _call(method, params, tolerate="not modified")


def _add_text(
    params: dict[str, Any], payload: Payload, field: str, empty_too: bool = False
) -> None:
    """The text (or caption): the author's own formatting when kept, otherwise HTML."""
    if not payload.text and not empty_too:
        return
    params[field] = payload.text
    if payload.entities:
        for entity in payload.entities:
            _check_entity(entity)
        params["entities" if field == "text" else "caption_entities"] = list(payload.entities)
    elif payload.text:
        params["parse_mode"] = "HTML"


def _check_entity(entity: object) -> None:
    """Telegram's formatting as the author's message carried it: a kind and where it lies."""
    if not (
        isinstance(entity, dict)
        and isinstance(entity.get("type"), str)
        and isinstance(entity.get("offset"), int)
        and isinstance(entity.get("length"), int)
    ):
        raise BadPayload(f"unreadable formatting: {entity!r:.80}")


def _add_keyboard(params: dict[str, Any], payload: Payload) -> None:
    if not payload.buttons:
        return
    params["reply_markup"] = {
        "inline_keyboard": [
            [_button(button.text, button.url, button.callback_data) for button in row]
            for row in payload.buttons
        ]
    }


def _button(text: str, url: str | None, callback_data: str | None) -> dict[str, str]:
    button = {"text": text}
    if url is not None:
        button["url"] = url
    if callback_data is not None:
        button["callback_data"] = callback_data
    return button


def _album_item(item: Media, payload: Payload, *, first: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": item.kind, "media": item.file_id}
    if first and payload.text:
        _add_text(entry, payload, "caption")
    return entry
