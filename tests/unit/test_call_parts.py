"""How a call is cut into messages: one usually; media then text when a caption cannot hold it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from turnout.i18n import Catalogs
from turnout.limits import CAPTION_CHARACTERS
from turnout.storage import Call, CallStatus
from turnout.views.calls import call_parts

t = Catalogs("en").translator("en")


def call(text: str, media: int = 0, action_id: int | None = None, entities: str = "[]") -> Call:
    items = [{"kind": "photo", "file_id": f"p{n}"} for n in range(media)]
    return Call(1, 1, text, entities, json.dumps(items), action_id, (-100,), False,
                CallStatus.DRAFT, None, datetime(2027, 1, 1, tzinfo=UTC))  # fmt: skip


def test_text_alone_is_one_message_and_plain_text_is_escaped() -> None:
    [(name, payload)] = call_parts(call("3 < 5 & <b>"), t, "turnout_bot")
    assert name == "text"
    assert payload.text == "3 &lt; 5 &amp; &lt;b&gt;"


def test_formatted_text_is_kept_as_written() -> None:
    entities = json.dumps([{"type": "bold", "offset": 0, "length": 1}])
    [(_, payload)] = call_parts(call("3 < 5", entities=entities), t, "turnout_bot")
    assert payload.text == "3 < 5"
    assert payload.entities == ({"type": "bold", "offset": 0, "length": 1},)


def test_a_photo_with_a_short_caption_is_one_message_with_the_buttons() -> None:
    [(name, payload)] = call_parts(call("Rally", media=1, action_id=7), t, "turnout_bot")
    assert name == "media"
    assert payload.text == "Rally"
    [[going, report]] = payload.buttons
    assert going.url == "https://t.me/turnout_bot?start=act_7"
    assert report.url == "https://t.me/turnout_bot?start=rep_7"


def test_a_caption_too_long_goes_after_the_media() -> None:
    long = "x" * (CAPTION_CHARACTERS + 1)
    (first, media), (second, text) = call_parts(call(long, media=1), t, "turnout_bot")
    assert (first, second) == ("media", "text")
    assert media.text == ""
    assert text.text == long


def test_an_album_with_buttons_puts_them_under_the_text() -> None:
    (_, album), (_, text) = call_parts(call("Rally", media=3, action_id=7), t, "turnout_bot")
    assert album.is_album
    assert not album.buttons
    assert text.buttons


def test_an_album_without_buttons_keeps_its_caption() -> None:
    [(name, album)] = call_parts(call("Photos", media=3), t, "turnout_bot")
    assert (name, album.text, album.is_album) == ("media", "Photos", True)


def test_a_campaign_call_leads_to_the_search_near_you_and_to_proposing() -> None:
    linked = replace(call("Hold a picket in your city!", action_id=7), campaign_id=3)
    [(_, payload)] = call_parts(linked, t, "turnout_bot")
    assert [[(b.text, b.url) for b in row] for row in payload.buttons] == [
        [
            ("I'm going", "https://t.me/turnout_bot?start=act_7"),
            ("Send a report", "https://t.me/turnout_bot?start=rep_7"),
        ],
        [("Find an action near you", "https://t.me/turnout_bot?start=near_3")],
        [("Organise one in your city", "https://t.me/turnout_bot?start=prop_3")],
    ]
