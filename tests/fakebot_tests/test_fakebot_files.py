"""Uploads, media groups, getFile and downloads through real PTB."""

from __future__ import annotations

import io

import pytest
from telegram import Bot, InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest, NetworkError

from turnout.sandbox.fakebot import FakeTelegram

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_upload_then_get_file_and_download(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    message = await bot.send_photo(alice.id, PNG, caption="a chart", filename="chart.png")
    assert message.caption == "a chart"
    assert len(message.photo) >= 2
    largest = message.photo[-1]
    upload = tg.calls_to("sendPhoto")[0].files["photo"]
    assert upload.content == PNG
    assert upload.filename == "chart.png"

    tg_file = await bot.get_file(largest.file_id)
    assert tg_file.file_size == len(PNG)
    assert tg_file.file_path is not None
    assert tg_file.file_path.startswith(tg.base_file_url)
    assert bytes(await tg_file.download_as_bytearray()) == PNG
    buffer = io.BytesIO()
    await tg_file.download_to_memory(buffer)
    assert buffer.getvalue() == PNG
    assert tg.calls_to("downloadFile")[-1].status == 200

    # any size resolves, and the file id can be re-sent without uploading again
    small = await bot.get_file(message.photo[0].file_id)
    assert bytes(await small.download_as_bytearray()) == PNG
    again = await bot.send_photo(alice.id, largest.file_id)
    assert again.photo[-1].file_id == largest.file_id
    assert (await alice.replies(2))[1]["photo"][-1]["file_id"] == largest.file_id


async def test_other_media_kinds(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    doc = await bot.send_document(alice.id, b"col1,col2\n1,2\n", filename="export.csv")
    assert doc.document is not None
    assert doc.document.file_name == "export.csv"
    assert doc.document.mime_type == "text/csv"
    data = await (await bot.get_file(doc.document.file_id)).download_as_bytearray()
    assert bytes(data) == b"col1,col2\n1,2\n"

    video = await bot.send_video(alice.id, b"\x00\x00\x00\x18ftypmp42", filename="v.mp4")
    assert video.video is not None
    animation = await bot.send_animation(alice.id, b"GIF89a....", filename="a.gif")
    assert animation.animation is not None
    voice = await bot.send_voice(alice.id, b"OggS....", filename="note.ogg")
    assert voice.voice is not None

    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(alice.id, "no-such-file-id")
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type"):
        await bot.send_photo(alice.id, doc.document.file_id)
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_media_group(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    photos = [
        InputMediaPhoto(PNG, caption="first", filename="1.png"),
        InputMediaPhoto(PNG + b"2", filename="2.png"),
    ]
    messages = await bot.send_media_group(alice.id, photos)
    assert len(messages) == 2
    assert messages[0].media_group_id is not None
    assert messages[0].media_group_id == messages[1].media_group_id
    assert [m.message_id for m in messages] == [1, 2]
    assert messages[0].caption == "first"
    second = await bot.get_file(messages[1].photo[-1].file_id)
    assert bytes(await second.download_as_bytearray()) == PNG + b"2"
    call = tg.calls_to("sendMediaGroup")[0]
    assert len(call.files) == 2
    assert all(item["media"].startswith("attach://") for item in call.params["media"])

    mixed: list[InputMediaPhoto | InputMediaDocument] = [
        InputMediaPhoto(PNG),
        InputMediaDocument(b"doc", filename="d.txt"),
    ]
    with pytest.raises(BadRequest):
        await bot.send_media_group(alice.id, mixed)


async def test_user_photo_is_downloadable(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    sent = await alice.send_photo("evidence", content=b"\xff\xd8 jpeg bytes \xff\xd9")
    updates = await bot.get_updates()
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.caption == "evidence"
    assert message.photo[-1].file_id == sent["photo"][-1]["file_id"]
    photo_file = await message.photo[-1].get_file()
    assert bytes(await photo_file.download_as_bytearray()) == b"\xff\xd8 jpeg bytes \xff\xd9"


async def test_download_faults(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    doc = await bot.send_document(alice.id, b"payload", filename="p.txt")
    assert doc.document is not None
    tg_file = await bot.get_file(doc.document.file_id)
    tg.fail("downloadFile", status=502)
    with pytest.raises(NetworkError):
        await tg_file.download_as_bytearray()
    assert bytes(await tg_file.download_as_bytearray()) == b"payload"
    assert [c.status for c in tg.calls_to("downloadFile")] == [502, 200]


async def test_edit_caption(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    photo = await bot.send_photo(alice.id, PNG, caption="<i>old</i>", parse_mode="HTML")
    edited = await bot.edit_message_caption(
        alice.id, photo.message_id, caption="new", parse_mode="HTML"
    )
    assert not isinstance(edited, bool)
    assert edited.caption == "new"
    assert edited.photo == photo.photo
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_caption(alice.id, photo.message_id, caption="new", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
        await bot.edit_message_text("text", chat_id=alice.id, message_id=photo.message_id)
    view = await alice.edit()
    assert (view["caption"], view["parse_mode"]) == ("new", "HTML")
