"""Organisers review reports: the media as sent, a card by pseudonym, and one decision each."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import RunningBot, button_data, labels, shown, started, text_of
from tests.e2e.test_actions import organiser_of
from tests.e2e.test_calls import linked_channel
from tests.e2e.test_reports import an_action, begin
from tests.unit.test_clean import assert_clean, jpeg_with_gps
from tests.unit.test_video import PLACE, described, filmed_with_gps, packets
from turnout.sandbox.fakebot import FakeChat, FakeTelegram, FakeUser


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 20}


async def submit(
    member: FakeUser, choice: str, *, text: str, photos: int = 0, album: int = 0
) -> int:
    """The member sends a report through the bot; returns its number."""
    await begin(member, choice)
    await member.send(text)
    await member.reply()
    for _ in range(photos):
        await member.send_photo()
        await member.reply()
    if album:
        await member.send_album(album)
        await member.reply()
    await member.send("/done")
    await member.reply()
    await member.press("Submit")
    await member.callback_answer()
    received = text_of(await member.reply())
    return int(received.split("#")[1].split()[0])


async def open_review(
    organiser: FakeUser, command: str = "/review", media: int = 0
) -> dict[str, Any]:
    """Send /review; skip past the media messages; return the card."""
    await organiser.send(command)
    messages = await organiser.replies(media + 1)
    return messages[-1]


async def test_approving_shows_the_media_and_tells_the_member(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await an_action(bot, "River Rally")
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    number = await submit(ana, "River Rally", text="300 people came.", photos=2, album=3)

    await olga.send("/review")
    # Five photos in order, as one album sent by file id, then the card.
    album = await telegram.wait_for_call("sendMediaGroup")
    assert [item["type"] for item in album.params["media"]] == ["photo"] * 5
    sent_ids = [item["media"] for item in album.params["media"]]
    stored = [f for (f,) in bot.rows("SELECT file_id FROM report_media ORDER BY message_id")]
    assert sent_ids == stored
    card = (await olga.replies(6))[-1]
    seen = shown(card)
    assert f"Report #{number}" in seen and "River Rally" in seen
    assert "5 photos, text" in seen and "300 people came." in seen
    assert "by Member " in seen and "Ana" not in seen and str(ana.id) not in seen
    assert labels(card) == ["✅ Approve", "✖ Reject", "⚑ Flag", "Skip"]

    await olga.press("✅ Approve")
    edited = await olga.edit()
    assert "Decision: approved." in shown(edited)
    assert labels(edited) == ["📣 Publish to a channel", "Next report"]
    told = await ana.reply(timeout=10)
    assert f"Your report #{number} about River Rally was approved" in text_of(told)
    assert bot.rows("SELECT status, reviewer FROM reports") == [("approved", owner.id)]
    assert bot.rows("SELECT action FROM audit_log WHERE action LIKE 'report:%'") == [
        ("report:approved",)
    ]

    await olga.press("Next report")
    await olga.callback_answer()
    assert "No report is waiting" in text_of(await olga.reply())


async def test_rejecting_with_a_reason_and_flagging_without(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    first = await submit(ana, "Other", text="Blurry")
    second = await submit(ana, "Other", text="Odd")

    card = await open_review(olga)
    assert f"Report #{first}" in shown(card)
    await olga.press("✖ Reject", message=card)
    assert "Why is it not accepted?" in text_of(await olga.reply())
    await olga.send("Too <b>dark</b> to see anything")
    confirm = await olga.reply()
    assert "The member will be told:" in shown(confirm)
    assert "Note from the reviewers: Too <b>dark</b> to see anything" in shown(confirm)
    assert bot.rows("SELECT status FROM reports WHERE id = :id", id=first) == [("pending",)]
    await olga.press("✅ Confirm", message=confirm)
    edited = await olga.edit(of=card)
    assert "Decision: not accepted." in shown(edited)
    assert "Reason: Too <b>dark</b> to see anything" in shown(edited)
    told = await ana.reply(timeout=10)
    assert "was not accepted" in shown(told)
    assert "Too <b>dark</b> to see anything" in shown(told)  # user text is never markup

    await olga.press("Next report", message=edited)
    await olga.callback_answer()
    card = await olga.reply()
    assert f"Report #{second}" in shown(card)
    await olga.press("⚑ Flag", message=card)
    await olga.reply()
    await olga.press("No reason")
    await olga.callback_answer()
    assert "Decision: set aside." in shown(await olga.edit(of=card))
    assert "set aside by the organisers" in text_of(await ana.reply(timeout=10))

    assert bot.rows("SELECT id, status, review_note FROM reports ORDER BY id") == [
        (first, "rejected", "Too <b>dark</b> to see anything"),
        (second, "flagged", None),
    ]
    await ana.send("/myreports")
    mine = shown(await ana.reply())
    assert "not accepted" in mine and "set aside" in mine and "Too <b>dark</b>" in mine


async def test_two_organisers_deciding_at_once_decide_once(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    petra = await organiser_of(bot, owner, telegram.add_user("Petra"))
    await started(ana)
    number = await submit(ana, "Other", text="Crowd")
    olga_card = await open_review(olga)
    petra_card = await open_review(petra)

    await asyncio.gather(
        olga.press("✅ Approve", message=olga_card), petra.press("✅ Approve", message=petra_card)
    )
    olga_after, petra_after = await asyncio.gather(olga.edit(), petra.edit())
    outcomes = sorted([shown(olga_after), shown(petra_after)], key=lambda s: "Already" in s)
    assert "Decision: approved." in outcomes[0]
    assert "Already decided by" in outcomes[1]
    assert "Your decision was not recorded" in outcomes[1]
    # One decision, one audit entry, one message to the member.
    assert bot.rows("SELECT COUNT(*) FROM audit_log WHERE action = 'report:approved'") == [(1,)]
    assert f"#{number}" in text_of(await ana.reply(timeout=10))
    await ana.no_reply(within=0.5)


async def test_skip_and_one_action_only(bot: RunningBot, owner: FakeUser, ana: FakeUser) -> None:
    rally = await an_action(bot, "River Rally")
    await an_action(bot, "Bike Ride")
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    ride = await submit(ana, "Bike Ride", text="Ride")
    first = await submit(ana, "River Rally", text="One")
    second = await submit(ana, "River Rally", text="Two")

    card = await open_review(olga, f"/review {rally.id}")
    assert f"Report #{first}" in shown(card) and "2 reports waiting" in shown(card)
    await olga.press("Skip", message=card)
    await olga.callback_answer()
    card = await olga.reply()
    assert f"Report #{second}" in shown(card)
    await olga.press("Skip", message=card)
    await olga.callback_answer()
    # Round again to the oldest of that action; the bike ride never shows.
    assert f"Report #{first}" in shown(await olga.reply())
    assert bot.rows("SELECT COUNT(*) FROM reports WHERE status = 'pending'") == [(3,)]
    assert ride not in (first, second)

    await olga.send("/review soon")
    assert "/review 12" in text_of(await olga.reply())
    await olga.send("/review 999")
    assert "There is no action 999" in text_of(await olga.reply())


async def publisher(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> tuple[FakeUser, FakeChat]:
    """The owner as organiser and broadcaster, with the channel "Rally News" linked."""
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await owner.send(f"/grant {owner.id} broadcaster")
    await owner.replies(2)
    return olga, await linked_channel(bot, telegram, olga, "Rally News", "rallynews")


async def approved(bot: RunningBot, olga: FakeUser, number: int, media: int) -> dict[str, Any]:
    """Open the report (its media and card) and approve it; return the decided card."""
    card = await open_review(olga, media=media)
    assert f"Report #{number}" in shown(card)
    await olga.press("✅ Approve", message=card)
    await olga.callback_answer()
    return await olga.edit()


async def through_preview(olga: FakeUser, media: int, press: str = "📣 Publish") -> dict[str, Any]:
    """After the channel's button: the media shown with their faces covered, then the card;
    press ``press`` on it and return the card. (Waiting up to a minute: the first picture of a
    test process starts the face worker.)"""
    assert "Looking for faces" in text_of(await olga.reply())
    await olga.replies(media, timeout=60)
    card = await olga.reply(timeout=60)
    assert "as it would go to" in text_of(card)
    await olga.press(press, message=card)
    await olga.callback_answer()
    return card


async def test_publishing_an_album_to_a_channel_names_the_action_not_the_member(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await an_action(bot, "River Rally")
    olga, channel = await publisher(bot, telegram, owner)
    await started(ana)
    number = await submit(ana, "River Rally", text="We were 300 & more", album=3)

    decided = await approved(bot, olga, number, media=3)
    assert labels(decided) == ["📣 Publish to a channel", "Next report"]
    await olga.press("📣 Publish to a channel", message=decided)
    await olga.callback_answer()
    choice = await olga.reply()
    assert "never who sent it" in text_of(choice)
    await olga.press("Rally News", message=choice)
    await olga.callback_answer()
    await through_preview(olga, media=3)  # no face in them: the photos as sent
    assert f"Report #{number} is published in Rally News" in text_of(await olga.reply())

    [album] = [
        c.params
        for c in telegram.calls_to("sendMediaGroup")
        if c.ok and c.params["chat_id"] == channel.id
    ]
    stored = [f for (f,) in bot.rows("SELECT file_id FROM report_media ORDER BY message_id")]
    assert [item["media"] for item in album["media"]] == stored  # by file id, in order
    caption = album["media"][0]["caption"]
    assert caption == "We were 300 &amp; more\n\n— River Rally"
    assert "Ana" not in caption and "Member " not in caption

    # Publishing again to the same channel posts nothing more.
    await olga.press("Rally News", message=choice)
    answer = await olga.callback_answer()
    assert "already published in Rally News" in answer["text"]
    assert (
        len([c for c in telegram.calls_to("sendMediaGroup") if c.params["chat_id"] == channel.id])
        == 1
    )
    assert bot.rows("SELECT action FROM audit_log WHERE action = 'report:published'") == [
        ("report:published",)
    ]


async def test_a_photo_sent_as_a_file_is_published_without_its_gps(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel = await publisher(bot, telegram, owner)
    await started(ana)
    await begin(ana, "Other")
    original = jpeg_with_gps()
    await ana.send_document(original, file_name="IMG_0001.jpg", mime_type="image/jpeg")
    await ana.reply()
    await ana.send_document(
        b"\x00\x00\x00\x20ftypmp42" + b"\x00" * 64, file_name="clip.mp4", mime_type="video/mp4"
    )
    await ana.reply()
    await ana.send("/done")
    await ana.reply()
    await ana.press("Submit")
    await ana.callback_answer()
    number = int(text_of(await ana.reply()).split("#")[1].split()[0])

    decided = await approved(bot, olga, number, media=2)  # an album of two documents
    await olga.press("📣 Publish to a channel", message=decided)
    await olga.callback_answer()
    choice = await olga.reply()
    assert "never who sent it" in text_of(choice)
    await olga.press("Rally News", message=choice)
    await olga.callback_answer()
    card = await through_preview(olga, media=1)
    assert "A video sent as a file was left out" in text_of(card)
    done = text_of(await olga.reply())
    assert f"Report #{number} is published" in done
    assert "A video sent as a file was left out" in done

    # The channel gets, by its file id, the cleaned copy the organiser was shown.
    [photo] = [
        c for c in telegram.calls_to("sendPhoto") if c.ok and c.params["chat_id"] == channel.id
    ]
    [shown_copy] = [
        c for c in telegram.calls_to("sendPhoto") if c.ok and c.params["chat_id"] == olga.id
    ]
    [upload] = shown_copy.files.values()
    assert photo.params["photo"] == shown_copy.result["photo"][-1]["file_id"]
    assert upload.content != original
    assert_clean(upload.content)
    assert Image.open(io.BytesIO(upload.content)).size == (40, 20)


async def test_a_long_report_can_be_reviewed_and_published(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel = await publisher(bot, telegram, owner)
    await started(ana)
    words = " ".join(f"w{n:04d}" for n in range(660))  # 3,959 characters
    number = await submit(ana, "Other", text=words, photos=1)
    decided = await approved(bot, olga, number, media=1)
    assert "The text goes on: 3959 characters" in shown(decided)
    await olga.press("📣 Publish to a channel", message=decided)
    await olga.callback_answer()
    await olga.press("Rally News", message=await olga.reply())
    await olga.callback_answer()
    await through_preview(olga, media=1)
    assert "is published in Rally News" in text_of(await olga.reply())
    posted = [c for c in telegram.calls if c.ok and c.params.get("chat_id") == channel.id]
    # Too long for a caption: the photo, then the words, then the action's line.
    assert [c.method for c in posts_of(posted)] == ["sendPhoto", "sendMessage"]
    assert posted[-1].params["text"].startswith("w0000 w0001")


def posts_of(calls: list[Any]) -> list[Any]:
    return [c for c in calls if c.method.startswith("send")]


async def test_no_reason_under_an_old_prompt_decides_nothing(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    first = await submit(ana, "Other", text="One")
    second = await submit(ana, "Other", text="Two")
    card = await open_review(olga)
    await olga.press("✖ Reject", message=card)
    await olga.callback_answer()
    old_prompt = await olga.reply()
    # Another button than the question's: the question is left, and she is told.
    await olga.press("Skip", message=card)
    await olga.callback_answer()
    closed, other_card = await olga.replies(2)
    assert "Closed without saving anything: the decision on a report" in text_of(closed)
    assert f"Report #{second}" in shown(other_card)
    await olga.press("⚑ Flag", message=other_card)
    await olga.callback_answer()
    assert "reason" in text_of(await olga.reply())
    # The old question's keyboard is gone; pressed on a screen not yet refreshed, its
    # "No reason" decides nothing.
    data = button_data(old_prompt, "No reason")
    await olga.press_data(data, old_prompt)
    assert "This question is closed" in (await olga.callback_answer())["text"]
    assert bot.rows("SELECT id, status FROM reports ORDER BY id") == [
        (first, "pending"),
        (second, "pending"),
    ]


async def test_a_video_is_published_without_where_it_was_filmed(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel = await publisher(bot, telegram, owner)
    await started(ana)
    await begin(ana, "Other")
    await ana.send_video(filmed_with_gps())  # ©xyz, a creation time and a GPS track
    await ana.reply()
    await ana.send_video(b"\x00\x00\x00\x1cftypmp42" + bytes(64))  # not a video ffmpeg reads
    await ana.reply()
    huge = io.BytesIO()
    Image.new("L", (5000, 5000)).save(huge, "PNG")  # 25 megapixels in 25 KB
    await ana.send_document(huge.getvalue(), file_name="poster.png", mime_type="image/png")
    await ana.reply()
    await ana.send("/done")
    await ana.reply()
    await ana.press("Submit")
    await ana.callback_answer()
    number = int(text_of(await ana.reply()).split("#")[1].split()[0])

    decided = await approved(bot, olga, number, media=3)  # two videos, then the document
    await olga.press("📣 Publish to a channel", message=decided)
    await olga.callback_answer()
    await olga.press("Rally News", message=await olga.reply())
    await olga.callback_answer()
    await through_preview(olga, media=1)  # the one video it can read; no face in it
    done = text_of(await olga.reply())
    assert f"Report #{number} is published" in done
    assert "A video was left out: its metadata (which can include where it was filmed)" in done
    assert (
        "A picture was left out: it is too large to clean safely (25.0 megapixels; the limit"
        " for a picture like this one is 16 megapixels)."
    ) in done
    [video] = [
        c for c in telegram.calls_to("sendVideo") if c.ok and c.params["chat_id"] == channel.id
    ]
    [shown_copy] = [
        c for c in telegram.calls_to("sendVideo") if c.ok and c.params["chat_id"] == olga.id
    ]
    # The copy shown, uploaded again (not the member's file id), then posted by its file id.
    assert video.params["video"] == shown_copy.result["video"]["file_id"]
    [upload] = shown_copy.files.values()
    assert PLACE.encode() not in upload.content and b"gpmd" not in upload.content
    description = described(upload.content)
    assert "location" not in description and "creation_time" not in description
    assert packets(upload.content, "v") == packets(filmed_with_gps(), "v")
    assert packets(upload.content, "a") == packets(filmed_with_gps(), "a")


async def test_organisers_see_a_name_only_when_its_member_chose_so(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await started(ben)
    await ana.send("/settings")
    await ana.press("Show my name to organisers", message=await ana.reply())
    await ana.callback_answer()
    await ana.edit()
    first = await submit(ana, "Other", text="First")
    second = await submit(ben, "Other", text="Second")
    card = shown(await open_review(olga))
    assert f"Report #{first}" in card and "(Ana)" in card
    await olga.press("Skip")
    await olga.callback_answer()
    card = shown(await olga.reply())
    assert f"Report #{second}" in card and "Ben" not in card and "by Member " in card
