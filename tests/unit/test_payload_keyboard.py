"""A message of the outbox that takes a reply keyboard away (a question's "Share my location",
when the question lapsed): kept through the database, sent with Telegram's ReplyKeyboardRemove,
and only on a plain text message."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, ReplyKeyboardRemove

from turnout.delivery import BadPayload, Button, Media, Payload
from turnout.delivery.send import send_payload


class SendingBot:
    """Just enough of a Bot to see what ``send_message`` was given."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_message(self, chat_id: int, text: str, **options: Any) -> Any:
        self.sent.append({"chat_id": chat_id, "text": text, **options})

        class Sent:
            message_id = 7

        return Sent()


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


async def test_it_is_sent_as_reply_keyboard_remove() -> None:
    bot = SendingBot()
    assert await send_payload(_as_bot(bot), 42, Payload("x", remove_keyboard=True), 5.0) == [7]
    removal = bot.sent[0]["reply_markup"]
    assert isinstance(removal, ReplyKeyboardRemove)
    assert removal.to_dict() == {"remove_keyboard": True}
    await send_payload(_as_bot(bot), 42, Payload("y"), 5.0)
    assert bot.sent[1]["reply_markup"] is None


def _as_bot(bot: SendingBot) -> Bot:
    return bot  # type: ignore[return-value]
