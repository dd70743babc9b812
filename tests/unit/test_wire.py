"""A payload as the Bot API requests that send it, and Telegram's answers as the outbox reads
them (``delivery/wire.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from turnout.delivery import BadPayload, Button, Media, Payload
from turnout.delivery.errors import Blocked, Rejected, Throttled, Unavailable
from turnout.delivery.wire import Plans, message_ids, plan, read_answer


def requests(payload: Payload, chat_id: int = 42, **options: Any) -> list[tuple[str, Any]]:
    return [
        (call.method, json.loads(call.body(chat_id))) for call in plan(payload, **options).calls
    ]


def test_text_is_html_without_a_link_preview() -> None:
    assert requests(Payload("<b>Rally</b> at noon")) == [
        (
            "sendMessage",
            {
                "chat_id": 42,
                "text": "<b>Rally</b> at noon",
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True},
            },
        )
    ]


def test_the_authors_own_formatting_is_kept_as_it_was() -> None:
    bold = {"type": "bold", "offset": 0, "length": 5}
    [(_, params)] = requests(Payload("Rally now", entities=(bold,), link_preview=True))
    assert params["entities"] == [bold]
    assert "parse_mode" not in params
    assert params["link_preview_options"] == {"is_disabled": False}


def test_unreadable_formatting_is_a_bad_payload() -> None:
    with pytest.raises(BadPayload):
        plan(Payload("Rally", entities=({"not": "an entity"},)))


def test_a_forged_kind_of_media_is_a_bad_payload() -> None:
    forged = Payload.from_json('{"text":"x","media":[{"kind":"sticker","file_id":"A"}]}')
    with pytest.raises(BadPayload, match="kind of media"):
        plan(forged)


def test_buttons_become_an_inline_keyboard() -> None:
    payload = Payload(
        "Going?",
        buttons=((Button("Yes", callback_data="rsvp:1:yes"), Button("Map", url="https://x.org")),),
    )
    [(_, params)] = requests(payload)
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "Yes", "callback_data": "rsvp:1:yes"},
                {"text": "Map", "url": "https://x.org"},
            ]
        ]
    }


def test_one_picture_with_its_caption() -> None:
    [(method, params)] = requests(Payload("Look", media=(Media("photo", "AgAD1"),)))
    assert method == "sendPhoto"
    assert params == {"chat_id": 42, "photo": "AgAD1", "caption": "Look", "parse_mode": "HTML"}


def test_an_album_carries_the_caption_on_its_first_item() -> None:
    media = (Media("photo", "A"), Media("video", "B"))
    [(method, params)] = requests(Payload("Both", media=media))
    assert method == "sendMediaGroup"
    assert params["media"] == [
        {"type": "photo", "media": "A", "caption": "Both", "parse_mode": "HTML"},
        {"type": "video", "media": "B"},
    ]


def test_a_copy_an_edit_a_pin_and_deletes() -> None:
    assert requests(Payload(copy_of=(-100200, 17)))[0] == (
        "copyMessage",
        {"chat_id": 42, "from_chat_id": -100200, "message_id": 17},
    )
    edit = plan(Payload("New text", edit_of=9))
    assert edit.fixed_ids == (9,)
    assert edit.calls[0].method == "editMessageText"
    assert edit.calls[0].tolerate == "not modified"
    caption = requests(Payload("", media=(Media("photo", "A"),), edit_of=9))
    assert caption == [("editMessageCaption", {"chat_id": 42, "message_id": 9, "caption": ""})]
    assert requests(Payload(pin_of=5)) == [
        ("pinChatMessage", {"chat_id": 42, "message_id": 5, "disable_notification": True})
    ]
    deletes = plan(Payload(delete=(3, 4)))
    assert [call.method for call in deletes.calls] == ["deleteMessage", "deleteMessage"]
    assert {call.tolerate for call in deletes.calls} == {"not found"}


def test_only_a_new_message_is_paid_for() -> None:
    [(_, text)] = requests(Payload("Rally"), paid=True)
    assert text["allow_paid_broadcast"] is True
    [(_, album)] = requests(
        Payload("x", media=(Media("photo", "A"), Media("photo", "B"))), paid=True
    )
    assert album["allow_paid_broadcast"] is True
    for payload in (Payload("x", edit_of=3), Payload(pin_of=3), Payload(delete=(3,))):
        assert all(
            "allow_paid_broadcast" not in params for _, params in requests(payload, paid=True)
        )
    [(_, free)] = requests(Payload("Rally"))
    assert "allow_paid_broadcast" not in free


def test_every_chat_gets_the_same_request_but_its_own_id() -> None:
    call = plan(Payload("Rally")).calls[0]
    assert json.loads(call.body(-1001)) == {**json.loads(call.body(7)), "chat_id": -1001}


def test_a_broadcast_is_encoded_once() -> None:
    plans = Plans(kept=2)
    stored = Payload("Rally").to_json()
    first = plans.get(stored, paid=False)
    assert plans.get(stored, paid=False) is first
    assert plans.get(stored, paid=True) is not first
    with pytest.raises(BadPayload):
        plans.get("{not json", paid=False)


def test_answers_give_the_message_ids() -> None:
    assert message_ids(read_answer(200, b'{"ok":true,"result":{"message_id":5,"date":1}}')) == [5]
    album = b'{"ok":true,"result":[{"message_id":5},{"message_id":6}]}'
    assert message_ids(read_answer(200, album)) == [5, 6]
    assert message_ids(read_answer(200, b'{"ok":true,"result":true}')) == []


def error(code: int, description: str, **parameters: Any) -> bytes:
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json.dumps(body).encode()


def test_refusals_are_the_outboxs_own_exceptions() -> None:
    with pytest.raises(Throttled) as throttled:
        read_answer(429, error(429, "Too Many Requests: retry after 7", retry_after=7))
    assert throttled.value.retry_after == 7.0
    with pytest.raises(Blocked, match="blocked by the user"):
        read_answer(403, error(403, "Forbidden: bot was blocked by the user"))
    with pytest.raises(Rejected) as rejected:
        read_answer(400, error(400, "Bad Request: chat not found"))
    assert (rejected.value.code, rejected.value.description) == (400, "Bad Request: chat not found")
    with pytest.raises(Unavailable):
        read_answer(502, b"<html>Bad Gateway</html>")
    with pytest.raises(Unavailable):
        read_answer(500, error(500, "Internal Server Error"))
    with pytest.raises(Rejected):
        read_answer(404, b"not json")


def test_an_album_counts_as_many_messages_as_it_has_items() -> None:
    """Telegram charges each message of a paid album: the outbox books and counts them all."""
    three = (Media("photo", "A"), Media("photo", "B"), Media("video", "C"))
    assert plan(Payload("x", media=three), paid=True).messages == 3
    assert plan(Payload("x"), paid=True).messages == 1
