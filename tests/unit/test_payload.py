from __future__ import annotations

import pytest

from turnout.delivery import BadPayload, Button, Media, Payload


@pytest.mark.parametrize(
    "payload",
    [
        Payload("<b>Rally</b> at noon"),
        Payload(
            "Rally at noon",
            entities=({"type": "bold", "offset": 0, "length": 5},),
            buttons=((Button("I'm going", url="https://t.me/bot?start=act_1"),),),
            link_preview=True,
        ),
        Payload("Two photos", media=(Media("photo", "AgAD1"), Media("video", "BAAD2"))),
        Payload(copy_of=(-100200, 17)),
    ],
)
def test_payloads_survive_the_database(payload: Payload) -> None:
    assert Payload.from_json(payload.to_json()) == payload


def test_an_empty_message_is_refused() -> None:
    with pytest.raises(BadPayload):
        Payload()


def test_telegram_does_not_allow_buttons_under_an_album() -> None:
    with pytest.raises(BadPayload, match="album"):
        Payload(
            "x",
            media=(Media("photo", "a"), Media("photo", "b")),
            buttons=((Button("Go", url="https://t.me/x"),),),
        )


def test_an_album_has_at_most_ten_items() -> None:
    with pytest.raises(BadPayload, match="10"):
        Payload("x", media=tuple(Media("photo", str(n)) for n in range(11)))


@pytest.mark.parametrize("text", ["not json", "[]", '{"media": [{"kind": "photo"}]}'])
def test_unreadable_payloads_are_reported(text: str) -> None:
    with pytest.raises(BadPayload):
        Payload.from_json(text)
