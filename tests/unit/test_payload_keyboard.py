"""A message of the outbox that takes a reply keyboard away (a question's "Share my location",
when the question lapsed): kept through the database, sent with Telegram's ReplyKeyboardRemove,
and only on a plain text message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from turnout.delivery import BadPayload, Button, Media, Payload
from turnout.delivery.wire import plan


def sent(payload: Payload) -> dict[str, Any]:
    """The one request's parameters that send ``payload`` to chat 42."""
    [call] = plan(payload).calls
    assert call.method == "sendMessage"
    params: dict[str, Any] = json.loads(call.body(42))
    return params


def test_it_survives_the_database() -> None:
    payload = Payload("No answer for 10 minutes", remove_keyboard=True)
    assert Payload.from_json(payload.to_json()) == payload
    assert not Payload.from_json(Payload("x").to_json()).remove_keyboard
    assert not Payload.from_json('{"text": "written before the field"}').remove_keyboard


@pytest.mark.parametrize(
    "other",
    [
        {"buttons": ((Button("Go", url="https://t.me/x"),),)},
        {"media": (Media("photo", "AgAD1"),)},
        {"copy_of": (-100200, 17)},
        {"edit_of": 17},
        {"delete": (17,)},
    ],
)
def test_it_goes_on_a_plain_text_message_only(other: dict[str, Any]) -> None:
    with pytest.raises(BadPayload, match="keyboard"):
        Payload("x", remove_keyboard=True, **other)


def test_it_is_sent_as_reply_keyboard_remove() -> None:
    assert sent(Payload("x", remove_keyboard=True))["reply_markup"] == {"remove_keyboard": True}
    assert "reply_markup" not in sent(Payload("y"))
