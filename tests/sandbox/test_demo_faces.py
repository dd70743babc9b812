"""The sandbox's demo report with faces (README, "Faces"): Ana's report from the action under
way waits for review with a photo of a crowd and one of the empty street; the organiser reviews
it, publishes it, and sees the faces covered first."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image, ImageChops

from tests.sandbox.test_sandbox_api import button, messages, post, until
from turnout.sandbox import crowd, demo
from turnout.sandbox.fakebot.files import FileStore
from turnout.sandbox.runner import Sandbox, SandboxOptions
from turnout.storage import Report, ReportStatus, Store

ANA, OMAR = demo.ALREADY_THERE.id, demo.ORGANISER.id
CHANNEL = demo.CHANNEL_ID
#: The first face job of a process starts the face worker and loads its model: on a busy
#: machine that takes up to a minute.
FACES_WAIT = 180.0
#: Anything else the bot answers, with room for a loaded machine.
WAIT = 30.0

needs_skimage = pytest.mark.skipif(
    not crowd.available(), reason="the demo photos are made with scikit-image"
)


def store_of(sandbox: Sandbox) -> Store:
    assert sandbox.application is not None
    return sandbox.application.bot_data.services.store


async def anas_reports(sandbox: Sandbox) -> list[Report]:
    return await store_of(sandbox).reports_of(ANA)


async def fetched(http: aiohttp.ClientSession, url: str) -> bytes:
    async with http.get(url) as response:
        assert response.status == 200
        return await response.read()


def changed(before: bytes, after: bytes) -> float:
    """The share of pixels that differ clearly (by more than 48 levels) between two pictures
    of the same size: JPEG's own losses stay far below that."""
    first, second = (Image.open(io.BytesIO(data)).convert("RGB") for data in (before, after))
    assert first.size == second.size
    difference = ImageChops.difference(first, second).convert("L")
    clear = sum(difference.histogram()[49:])
    return clear / (first.width * first.height)


@needs_skimage
async def test_the_demo_has_anas_report_from_the_march_waiting_with_two_photos(
    sandbox: Sandbox,
) -> None:
    [report] = await anas_reports(sandbox)
    assert report.status is ReportStatus.PENDING
    assert report.text == demo.REPORT_TEXT
    assert report.action_id is not None
    march = await store_of(sandbox).action(report.action_id)
    assert march is not None and march.title == "March for Clean Air"
    assert [item.kind for item in report.media] == ["photo", "photo"]
    assert [item.file_id for item in report.media] == [demo.FACES_FILE_ID, demo.NO_FACE_FILE_ID]
    # One album, as a phone sends two photos at once.
    assert len({item.media_group_id for item in report.media}) == 1
    files = sandbox.telegram.world.files
    contents = [files.get(item.file_id) for item in report.media]
    assert [stored.content if stored else None for stored in contents] == [
        crowd.demo_photo(),
        crowd.no_face_photo(),
    ]
    # The fake server's own ids never run into the demo's, nor its message ids into the
    # report's.
    assert sandbox.telegram.world.first_message_id > max(i.message_id for i in report.media)


@needs_skimage
async def test_after_a_restart_the_reports_photos_are_still_there_and_shown(
    tmp_path: Path,
) -> None:
    """The fake server is new at every start, the database is not: the photos it names must
    be found under the same ids, by the bot and by the page."""
    options = SandboxOptions(port=0, database=tmp_path / "sandbox.db")
    async with Sandbox(options) as first:
        [report] = await anas_reports(first)
    async with Sandbox(options) as second, aiohttp.ClientSession(base_url=second.url) as http:
        assert await anas_reports(second) == [report]  # seeded once, not at every start
        assert second.application is not None
        bot = second.application.bot
        expected = [crowd.demo_photo(), crowd.no_face_photo()]
        for item, content in zip(report.media, expected, strict=True):
            file = await bot.get_file(item.file_id)
            assert bytes(await file.download_as_bytearray()) == content
        # The organiser reviews it: the album, then the card.
        await post(http, "/api/send", **{"as": OMAR, "chat_id": OMAR, "text": "/review"})
        card = await until(http, OMAR, OMAR, f"Report #{report.id}", timeout=WAIT)
        [album] = [m for m in await messages(http, OMAR, OMAR) if m["media"]]
        assert album["id"] < card["id"]
        assert [await fetched(http, m["url"]) for m in album["media"]] == expected
        assert button(card, "✅ Approve")
    assert not second.telegram.internal_errors, second.telegram.internal_errors


@needs_skimage
async def test_the_organiser_publishes_it_with_the_faces_covered(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async def press(message: dict[str, Any], label: str) -> None:
        data = button(message, label)["callback"]
        status, _ = await post(
            http,
            "/api/press",
            **{"as": OMAR, "chat_id": OMAR, "message_id": message["id"], "data": data},
        )
        assert status == 200

    await post(http, "/api/send", **{"as": OMAR, "chat_id": OMAR, "text": "/review"})
    [report] = await anas_reports(sandbox)
    await press(await until(http, OMAR, OMAR, f"Report #{report.id}", timeout=WAIT), "✅ Approve")
    await press(
        await until(http, OMAR, OMAR, "Decision: <b>approved", timeout=WAIT),
        "📣 Publish to a channel",
    )
    await press(await until(http, OMAR, OMAR, "to which channel?", timeout=WAIT), "Demo Channel")

    card = await until(http, OMAR, OMAR, "as it would go to Demo Channel", timeout=FACES_WAIT)
    found = re.search(r"with (\d+) faces? covered", card["html"])
    assert found, card["html"]
    faces = int(found[1])
    assert faces > 0
    # Above the card, the covered copies, each captioned with what was covered (the review's
    # album has no caption): every face is in the first photo, none in the second.
    captions = [
        m["caption"] for m in sandbox.telegram.bot_messages(OMAR) if "photo" in m and "caption" in m
    ]
    plural = "face" if faces == 1 else "faces"
    assert captions == [f"{faces} {plural} covered", "No face found"]
    assert [b["text"] for row in card["keyboard"] for b in row] == [
        "🙈 Publish blurred",
        "Publish as is",
        "Cancel",
    ]
    before = await messages(http, CHANNEL, OMAR)

    await press(card, "🙈 Publish blurred")
    await until(
        http, OMAR, OMAR, f"Report #{report.id} is published in Demo Channel.", timeout=WAIT
    )
    posted = (await messages(http, CHANNEL, OMAR))[len(before) :]
    assert len(posted) == 1, posted  # one album, its text the caption
    [album] = posted
    assert "at the square" in album["html"]
    assert [m["kind"] for m in album["media"]] == ["photo", "photo"]
    crowded, street = [await fetched(http, m["url"]) for m in album["media"]]
    assert crowded != crowd.demo_photo()
    # The faces are covered: a clear part of the picture changed (five faces of 90 to 200 px
    # in 1600x1200, with a margin), and the street without anyone did not.
    assert changed(crowd.demo_photo(), crowded) > 0.02
    assert changed(crowd.no_face_photo(), street) < 0.002


def test_a_photo_stored_under_a_fixed_id_has_the_same_ids_in_every_new_store() -> None:
    def stored() -> list[tuple[str, str, str]]:
        files = FileStore()
        files.add_photo(b"before")  # the counter moves on: the fixed ids do not
        sizes = files.add_photo(b"jpeg", file_id="DEMO-1")
        assert all(files.get(size.file_id) is size for size in sizes)
        assert all(files.at_path(size.file_path) is size for size in sizes)
        return [(s.file_id, s.file_unique_id, s.content.decode()) for s in sizes]

    first = stored()
    assert first == stored()
    assert first[-1] == ("DEMO-1", "UDEMO-1", "jpeg")  # the largest size, as reports keep it
    assert len({file_id for file_id, _, _ in first}) == len(first)
    # Without one, every photo has ids of its own, as before.
    files = FileStore()
    assert files.add_photo(b"a")[-1].file_id != files.add_photo(b"a")[-1].file_id


@pytest.fixture
def without_skimage(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if scikit-image were not installed."""
    monkeypatch.setattr(crowd, "available", lambda: False)
    demo._photos.cache_clear()
    yield
    demo._photos.cache_clear()


async def test_without_scikit_image_the_demo_has_no_such_report_and_still_starts(
    tmp_path: Path, without_skimage: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="turnout.sandbox.demo")
    options = SandboxOptions(port=0, database=tmp_path / "sandbox.db")
    async with Sandbox(options) as sandbox, aiohttp.ClientSession(base_url=sandbox.url) as http:
        assert await anas_reports(sandbox) == []
        assert sandbox.telegram.world.files.get(demo.FACES_FILE_ID) is None
        # The rest of the demo is there, and the bot answers.
        march = await store_of(sandbox).action(2)
        assert march is not None and march.title == "March for Clean Air"
        await post(http, "/api/send", **{"as": OMAR, "chat_id": OMAR, "text": "/review"})
        await until(http, OMAR, OMAR, "No report is waiting", timeout=WAIT)
    said = [r.getMessage() for r in caplog.records if r.name == "turnout.sandbox.demo"]
    assert said == [
        "sandbox: scikit-image is not installed, so the demo has no report with faces "
        "(pip install 'turnout[demo]')"
    ]
