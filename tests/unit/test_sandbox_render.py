"""What the sandbox page may show of a message: Telegram's formatting, and nothing that runs."""

from __future__ import annotations

import pytest

from turnout.sandbox.fakebot import FakeTelegram
from turnout.sandbox.fakebot.world import UserRecord, World
from turnout.sandbox.web.render import messages, plain, safe_html, start_payload


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("<b>Picket</b> at <i>6</i>", "<b>Picket</b> at <i>6</i>"),
        (
            "<strong>a</strong><em>b</em><ins>c</ins><del>d</del>",
            "<b>a</b><i>b</i><u>c</u><s>d</s>",
        ),
        ("<code>x &lt; y</code>\nnext", "<code>x &lt; y</code><br>next"),
        ('<a href="https://t.me/x">map</a>', '<a href="https://t.me/x">map</a>'),
        ('<a href="javascript:alert(1)">map</a>', "<a>map</a>"),
        ('<a href="https://x" onclick="alert(1)">m</a>', '<a href="https://x">m</a>'),
        ("<tg-spoiler>s</tg-spoiler>", '<span class="tg-spoiler">s</span>'),
        ('<span class="tg-spoiler">s</span>', '<span class="tg-spoiler">s</span>'),
        ("<script>alert(1)</script>", "alert(1)"),
        ('<img src=x onerror="alert(1)">', ""),
        ("<b>open", "<b>open</b>"),
        ("<b><i>x</b>", "<b><i>x</i></b>"),
        (
            '<a href="https://x?a=1&amp;b=&quot;2">q</a>',
            '<a href="https://x?a=1&amp;b=&quot;2">q</a>',
        ),
    ],
)
def test_telegram_html_is_kept_and_the_rest_is_dropped(sent: str, shown: str) -> None:
    assert safe_html(sent, "HTML") == shown


def test_plain_text_is_escaped_whatever_it_looks_like() -> None:
    assert safe_html("<b>hi</b> & <script>\nbye", None) == (
        "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;<br>bye"
    )
    assert plain("<b>Going:</b> 2 &amp; more", "HTML") == "Going: 2 & more"


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("https://t.me/turnout_sandbox_bot?start=act_3", "act_3"),
        ("https://t.me/Turnout_Sandbox_Bot?start=rep_3", "rep_3"),
        ("https://telegram.me/turnout_sandbox_bot?start=inv_ab-C", "inv_ab-C"),
        ("https://t.me/other_bot?start=act_3", None),
        ("https://t.me/turnout_sandbox_bot", None),
        ("https://example.org/?start=act_3", None),
    ],
)
def test_links_into_the_bot_are_recognised(url: str, payload: str | None) -> None:
    assert start_payload(url, "turnout_sandbox_bot") == payload


def test_an_album_is_one_bubble_with_its_caption() -> None:
    world = World(UserRecord(id=1, first_name="Bot", username="b", is_bot=True))
    person = world.add_user("Ana")
    chat = world.chat(person.id)
    for index in range(3):
        sizes = world.files.add_photo(b"jpeg")
        body = {"photo": [size.photo_size() for size in sizes], "media_group_id": "g1"}
        if index == 1:
            body["caption"] = "From <the> street"
        world.store_message(chat, body, sender=person)
    world.store_message(chat, {"text": "Thanks!"}, sender=world.bot, from_bot=True)
    shown = messages(world, chat, person.id)
    assert [len(m["media"]) for m in shown] == [3, 0]
    assert shown[0]["ids"] == [1, 2, 3]
    assert shown[0]["html"] == "From &lt;the&gt; street"
    assert shown[0]["mine"]
    assert not shown[1]["mine"]
    assert shown[1]["sender"] == "Bot"


def test_the_fake_server_dates_messages_by_its_clock() -> None:
    telegram = FakeTelegram("1:x", clock=lambda: 2_000_000_000.0)
    person = telegram.world.add_user("Ana")
    stored = telegram.world.store_message(
        telegram.world.chat(person.id), {"text": "hi"}, sender=person
    )
    assert stored.data["date"] == 2_000_000_000


def test_an_album_shows_every_item_s_caption_in_order() -> None:
    world = World(UserRecord(id=1, first_name="Bot", username="b", is_bot=True))
    person = world.add_user("Ana")
    chat = world.chat(person.id)
    for caption in ("5 faces covered", None, "No face found"):
        sizes = world.files.add_photo(b"jpeg")
        body: dict[str, object] = {
            "photo": [size.photo_size() for size in sizes],
            "media_group_id": "g1",
        }
        if caption:
            body["caption"] = caption
        world.store_message(chat, body, sender=world.bot, from_bot=True)
    [album] = messages(world, chat, person.id)
    assert album["html"] == "5 faces covered\nNo face found"
