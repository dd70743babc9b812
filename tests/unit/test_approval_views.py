"""What a second broadcaster or organiser is asked before a call goes out (pure rendering)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from turnout.i18n import Catalogs
from turnout.limits import MESSAGE_CHARACTERS
from turnout.views.approvals import BEFORE_CHARACTERS, Asked, question, settled
from turnout.views.buttons import DecideCall

catalogs = Catalogs("en")
t = catalogs.translator("en")
AT = datetime(2026, 6, 6, 10, 0, tzinfo=UTC)


def asked(**changes: object) -> Asked:
    values: dict[str, object] = {
        "request": 12,
        "call": 3,
        "requester": "Ana <script>",
        "channels": ("Clean River News", "Tenants & Co"),
        "subscribers": 0,
        "to_subscribers": False,
        "publish_at": None,
    }
    values.update(changes)
    return Asked(**values)  # type: ignore[arg-type]


def test_the_question_says_who_asks_where_and_when_with_both_buttons() -> None:
    payload = question(t, asked(), "UTC")
    assert "<b>Ana &lt;script&gt;</b> asks you to approve call #3" in payload.text
    assert "Where: Clean River News, Tenants &amp; Co" in payload.text
    assert "Subscribers: not sent to them." in payload.text
    assert "When: as soon as it is approved." in payload.text
    [[approve, refuse]] = payload.buttons
    assert DecideCall.decode(approve.callback_data) == DecideCall(12, "ok")
    assert DecideCall.decode(refuse.callback_data) == DecideCall(12, "no")


@pytest.mark.parametrize(("count", "said"), [(1, "1 subscriber,"), (1200, "1200 subscribers")])
def test_the_subscribers_reached_are_counted(count: int, said: str) -> None:
    payload = question(t, asked(subscribers=count, to_subscribers=True), "UTC")
    assert f"Subscribers: also to {said}" in payload.text


def test_a_scheduled_call_shows_its_time_in_the_readers_zone() -> None:
    text = question(t, asked(publish_at=AT), "Europe/Lisbon").text
    assert "When: " in text and "11:00" in text and "if it is approved before then" in text


def test_an_edit_quotes_the_text_now_shortened_and_has_no_time() -> None:
    before = "x" * (BEFORE_CHARACTERS + 50)
    text = question(t, asked(before=before, publish_at=AT), "UTC").text
    assert "approve a new text of call #3" in text
    assert "It reads now: " + "x" * BEFORE_CHARACTERS + "…" in text
    assert "When:" not in text


def test_no_channel_is_said_so() -> None:
    text = question(t, asked(channels=(), subscribers=5, to_subscribers=True), "UTC").text
    assert "Where: no channel" in text


def test_a_settled_question_says_who_decided() -> None:
    assert settled(t, 3, True, "Ben") == "Call #3: approved by Ben."
    assert settled(t, 3, False, "<b>") == "Call #3: refused by &lt;b&gt;."


@pytest.mark.parametrize("language", ["en", "es", "fr", "sr", "sr_Latn"])
def test_every_language_renders_the_question(language: str) -> None:
    reader = catalogs.translator(language)
    payload = question(reader, asked(subscribers=3, to_subscribers=True, publish_at=AT), "UTC")
    assert " 3 " in payload.text and "Clean River News" in payload.text
    assert "approval." not in payload.text


def test_a_call_to_very_many_channels_still_fits_one_message() -> None:
    """Telegram refuses a message over 4,096 characters: a question that long would never
    reach an approver, and the call would wait for nobody."""
    titles = tuple(f"{n:03d} " + "Ж" * 124 for n in range(60))
    payload = question(t, asked(channels=titles, requester="A" * 64), "UTC")
    assert len(payload.text) <= MESSAGE_CHARACTERS
    assert titles[0] in payload.text
    assert "and 40 more" in payload.text
