"""Faces covered before a report's photos leave the bot (README, "Faces"): the organiser sees
the covered copies and chooses "Publish blurred" (those very copies go out) or "Publish as is"
(audited); exports cover them too with ``TURNOUT_BLUR_FACES=export``."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import KEY_VARIABLE, Clock, RunningBot, labels, running, started, text_of
from tests.e2e.test_actions import organiser_of
from tests.e2e.test_calls import linked_channel
from tests.e2e.test_reports import begin
from tests.e2e.test_review import approved, publisher
from tests.unit.test_faces import still_recognisable
from turnout.config import Settings
from turnout.export import publishing as publishing_export
from turnout.export.errors import CannotClean
from turnout.sandbox.fakebot import FakeChat, FakeTelegram, FakeUser

crowd = pytest.importorskip("turnout.sandbox.crowd")
if not crowd.available():
    pytest.skip("scikit-image is not installed", allow_module_level=True)

from turnout.faces.detect import find_faces  # noqa: E402 - after the skip: loads the model

# The first face job of a test process starts the worker and loads the model: a bound for
# that, under load, not a pause.
WORKER = 90.0


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 20}


@pytest.fixture(autouse=True, params=["plain"])
def database_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a plain database only: covering faces never touches the file, and every flow here
    runs on an encrypted one elsewhere (the preview's table is read and written as any other),
    while each test here costs seconds of CPU."""
    monkeypatch.delenv(KEY_VARIABLE, raising=False)


def faces_in(content: bytes, threshold: float = 0.4) -> int:
    return len(find_faces(Image.open(io.BytesIO(content)), threshold=threshold))


def recognisable(original: bytes, published: bytes) -> list[str]:
    """The faces of ``original`` still recognisable in ``published`` (the same picture,
    perhaps scaled): where the detector still sees a face, even a faint one, or whose
    region still looks like it did (structural similarity, README "Faces")."""
    return still_recognisable(Image.open(io.BytesIO(original)), Image.open(io.BytesIO(published)))


async def report_with_faces(member: FakeUser) -> int:
    """The member reports with two photos, a crowd and a street with nobody in it."""
    await started(member)
    await begin(member, "Other")
    await member.send("We were hundreds")
    await member.reply()
    for content in (crowd.demo_photo(), crowd.no_face_photo()):
        await member.send_photo(content=content)
        await member.reply()
    await member.send("/done")
    await member.reply()
    await member.press("Submit")
    await member.callback_answer()
    return int(text_of(await member.reply()).split("#")[1].split()[0])


async def ready(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> tuple[FakeUser, FakeChat, int, dict[str, Any]]:
    """The owner as organiser with Rally News linked, and Ana's report with faces approved:
    the organiser, the channel, the report's number and its decided card."""
    olga, channel = await publisher(bot, telegram, owner)
    number = await report_with_faces(ana)
    return olga, channel, number, await approved(bot, olga, number, media=2)


async def choose_channel(olga: FakeUser, decided: dict[str, Any], channel: str) -> None:
    """Publish → the channel; up to the toast."""
    await olga.press("📣 Publish to a channel", message=decided)
    await olga.callback_answer()
    await olga.press(channel, message=await olga.reply())
    assert "Looking for faces" in (await olga.callback_answer())["text"]


async def to_channel(olga: FakeUser, decided: dict[str, Any], channel: str) -> dict[str, Any]:
    """Publish → the channel; return the card under the covered copies."""
    await choose_channel(olga, decided, channel)
    assert "Looking for faces in report" in text_of(await olga.reply())
    await olga.replies(2, timeout=WORKER)  # the covered copies, an album of two
    return await olga.reply(timeout=WORKER)


def posted_photos(telegram: FakeTelegram, chat_id: int) -> list[str]:
    """The file ids of the photos sent to a chat, in order."""
    ids: list[str] = []
    for call in telegram.calls:
        if not call.ok or call.params.get("chat_id") != chat_id:
            continue
        if call.method == "sendMediaGroup":
            ids += [item["media"] for item in call.params["media"]]
        elif call.method == "sendPhoto":
            ids.append(str(call.params["photo"]))
    return ids


def content_of(telegram: FakeTelegram, file_id: str) -> bytes:
    stored = telegram.world.files.get(file_id)
    assert stored is not None, file_id
    return stored.content


async def test_publish_blurred_posts_the_covered_copies_the_organiser_saw(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel, number, decided = await ready(bot, telegram, owner, ana)
    expected = faces_in(crowd.demo_photo())
    assert expected >= 4

    card = await to_channel(olga, decided, "Rally News")
    assert f"as it would go to Rally News, with {expected} faces covered" in text_of(card)
    assert "turned away" in text_of(card)
    assert labels(card) == ["🙈 Publish blurred", "Publish as is", "Cancel"]
    # The copies shown, captioned: the crowd covered, the empty street as it was.
    *_, shown = [  # after the report's own album, shown for the review
        c for c in telegram.calls_to("sendMediaGroup") if c.ok and c.params["chat_id"] == olga.id
    ]
    captions = [item["caption"] for item in shown.params["media"]]
    assert captions == [f"{expected} faces covered", "No face found"]
    shown_ids = [message["photo"][-1]["file_id"] for message in shown.result]
    assert not posted_photos(telegram, channel.id)  # nothing posted before the choice

    await olga.press("🙈 Publish blurred", message=card)
    await olga.callback_answer()
    assert f"Report #{number} is published in Rally News" in text_of(await olga.reply())
    posted = posted_photos(telegram, channel.id)
    assert posted == shown_ids  # exactly what was shown
    covered = content_of(telegram, posted[0])
    assert recognisable(crowd.demo_photo(), covered) == []
    assert faces_in(content_of(telegram, posted[1])) == 0
    [(detail,)] = bot.rows("SELECT detail FROM audit_log WHERE action = 'report:published'")
    assert "as_is" not in json.loads(detail)


async def test_publish_as_is_posts_the_member_s_photos_and_is_audited(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel, _, decided = await ready(bot, telegram, owner, ana)
    card = await to_channel(olga, decided, "Rally News")

    await olga.press("Publish as is", message=card)
    await olga.callback_answer()
    done = text_of(await olga.reply())
    assert "is published in Rally News" in done
    assert "Published as is: faces were not covered." in done
    stored = [f for (f,) in bot.rows("SELECT file_id FROM report_media ORDER BY message_id")]
    assert posted_photos(telegram, channel.id) == stored  # the member's own, by file id
    [(detail,)] = bot.rows("SELECT detail FROM audit_log WHERE action = 'report:published'")
    audit = json.loads(detail)
    assert audit["as_is"] is True and audit["faces"] == faces_in(crowd.demo_photo())
    # The card's buttons are gone; pressing its old button again posts nothing more.
    await olga.press_data(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"], card)
    assert "already published" in (await olga.callback_answer())["text"]
    assert len(posted_photos(telegram, channel.id)) == 2


async def test_cancel_posts_nothing_and_its_card_no_longer_publishes(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel, number, decided = await ready(bot, telegram, owner, ana)
    card = await to_channel(olga, decided, "Rally News")
    blurred = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

    await olga.press("Cancel", message=card)
    await olga.callback_answer()
    edited = await olga.edit()
    assert "Cancelled: nothing was published." in text_of(edited)
    assert labels(edited) == []
    await olga.press_data(blurred, card)  # an old button, pressed anyway
    answer = await olga.callback_answer()
    assert answer.get("show_alert")
    assert not posted_photos(telegram, channel.id)
    assert bot.rows("SELECT COUNT(*) FROM report_publications") == [(0,)]

    # The report can still be published: a new preview, a new card.
    card = await to_channel(olga, decided, "Rally News")
    await olga.press("🙈 Publish blurred", message=card)
    await olga.callback_answer()
    assert f"Report #{number} is published" in text_of(await olga.reply())


async def test_only_an_organiser_can_press_a_preview(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel, _, decided = await ready(bot, telegram, owner, ana)
    card = await to_channel(olga, decided, "Rally News")
    for row in card["reply_markup"]["inline_keyboard"]:
        for button in row:
            # Ana forges each button of the card in her own chat.
            await ana.press_data(button["callback_data"], await ana.send("hi"))
            assert "not for you" in (await ana.callback_answer())["text"]
    assert not posted_photos(telegram, channel.id)
    assert bot.rows("SELECT COUNT(*) FROM report_publications") == [(0,)]
    # The card still works for the organiser.
    await olga.press("🙈 Publish blurred", message=card)
    await olga.callback_answer()
    assert "is published" in text_of(await olga.reply())


async def test_a_preview_survives_a_restart(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings(report_rate=20)
    owner = telegram.add_user("Olga", user_id=settings.owner_ids[0])
    ana = telegram.add_user("Ana")
    async with running(settings, clock, telegram) as bot:
        olga, channel = await publisher(bot, telegram, owner)
        number = await report_with_faces(ana)
        decided = await approved(bot, olga, number, media=2)
        card = await to_channel(olga, decided, "Rally News")
    async with running(settings, clock, telegram):
        await olga.press("🙈 Publish blurred", message=card)
        await olga.callback_answer()
        assert f"Report #{number} is published" in text_of(await olga.reply())
    covered = content_of(telegram, posted_photos(telegram, channel.id)[0])
    assert recognisable(crowd.demo_photo(), covered) == []


async def test_with_covering_off_the_channel_s_button_publishes_at_once(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    ana: FakeUser,
) -> None:
    settings = make_settings(report_rate=20, blur_faces="off")
    async with running(settings, clock, telegram) as bot:
        olga, channel = await publisher(bot, telegram, owner)
        number = await report_with_faces(ana)
        decided = await approved(bot, olga, number, media=2)
        await olga.press("📣 Publish to a channel", message=decided)
        await olga.callback_answer()
        await olga.press("Rally News", message=await olga.reply())
        await olga.callback_answer()
        assert f"Report #{number} is published" in text_of(await olga.reply())
        stored = [f for (f,) in bot.rows("SELECT file_id FROM report_media ORDER BY message_id")]
        assert posted_photos(telegram, channel.id) == stored


async def exported(
    telegram: FakeTelegram, olga: FakeUser, command: str
) -> tuple[zipfile.ZipFile, str]:
    """Send an /export command; the ZIP, and the summary it ends with."""
    since = len(telegram.calls)
    await olga.send(command)
    assert text_of(await olga.reply()) == "Preparing the export…"
    finished = await olga.edit(timeout=WORKER)
    while "Preparing" in text_of(finished):  # progress, then the summary
        finished = await olga.edit(timeout=WORKER)
    document = await telegram.wait_for_call("sendDocument", since=since, timeout=WORKER)
    await olga.reply()  # the ZIP's own message
    [upload] = document.files.values()
    return zipfile.ZipFile(io.BytesIO(upload.content)), text_of(finished)


def exported_photos(archive: zipfile.ZipFile) -> list[bytes]:
    return [archive.read(n) for n in sorted(archive.namelist()) if n.startswith("media/")]


async def test_exports_cover_faces_unless_the_originals_are_asked_for(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    ana: FakeUser,
) -> None:
    settings = make_settings(report_rate=20, blur_faces="export")
    async with running(settings, clock, telegram) as bot:
        await started(owner)
        olga = await organiser_of(bot, owner, owner)
        await report_with_faces(ana)
        found = faces_in(crowd.demo_photo())

        archive, summary = await exported(telegram, olga, "/export")
        crowd_photo, street = exported_photos(archive)
        assert recognisable(crowd.demo_photo(), crowd_photo) == []
        assert faces_in(street) == 0
        assert f"Faces in the photos and videos are covered: {found} faces found." in summary

        archive, summary = await exported(telegram, olga, "/export originals")
        crowd_photo, _ = exported_photos(archive)
        assert faces_in(crowd_photo) == found
        assert "faces uncovered. Keep it safe" in summary
        details = [
            json.loads(d)
            for (d,) in bot.rows(
                "SELECT detail FROM audit_log WHERE action = 'export:made' ORDER BY id"
            )
        ]
        assert [d.get("faces") for d in details] == ["covered", "originals"]


async def test_in_publish_mode_exports_keep_the_photos_as_sent(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await report_with_faces(ana)
    archive, summary = await exported(telegram, olga, "/export")
    crowd_photo, _ = exported_photos(archive)
    assert faces_in(crowd_photo) == faces_in(crowd.demo_photo())
    assert "Faces in the photos" not in summary and "Keep it safe" not in summary


async def test_a_second_channel_gets_its_own_preview(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, first = await publisher(bot, telegram, owner)
    second: FakeChat = await linked_channel(bot, telegram, olga, "Street Watch", "streetwatch")
    number = await report_with_faces(ana)
    decided = await approved(bot, olga, number, media=2)
    one = await to_channel(olga, decided, "Rally News")
    two = await to_channel(olga, decided, "Street Watch")
    await olga.press("🙈 Publish blurred", message=two)
    await olga.callback_answer()
    assert "is published in Street Watch" in text_of(await olga.reply())
    await olga.press("🙈 Publish blurred", message=one)
    await olga.callback_answer()
    assert "is published in Rally News" in text_of(await olga.reply())
    assert len(posted_photos(telegram, first.id)) == 2
    assert len(posted_photos(telegram, second.id)) == 2


async def test_covered_copies_that_cannot_be_shown_publish_nothing(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    olga, channel, _, decided = await ready(bot, telegram, owner, ana)
    telegram.fail("sendMediaGroup", status=400, chat_id=olga.id, times=1)
    await choose_channel(olga, decided, "Rally News")
    status = await olga.reply()
    told = await olga.edit(WORKER, of=status)
    while "checked…" in text_of(told):  # how far it got, then what went wrong
        told = await olga.edit(WORKER, of=status)
    assert "could not be sent to you, so nothing was published" in text_of(told)
    assert not posted_photos(telegram, channel.id)
    assert bot.rows("SELECT COUNT(*) FROM publication_previews") == [(0,)]


async def test_the_organiser_is_answered_while_faces_are_being_covered(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    ana: FakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    olga, _, _, decided = await ready(bot, telegram, owner, ana)
    covering = asyncio.Event()
    real = publishing_export.blurred_image

    async def held(data: bytes, **options: Any) -> Any:
        await covering.wait()  # the test lets it go
        return await real(data, **options)

    monkeypatch.setattr(publishing_export, "blurred_image", held)
    await choose_channel(olga, decided, "Rally News")
    assert "Looking for faces in report" in text_of(await olga.reply())
    await olga.send("/help")
    try:
        assert "/review" in text_of(await olga.reply())  # answered while the covering waits
    finally:
        covering.set()  # else a failure here would leave the bot waiting at its stop
    await olga.replies(2, timeout=WORKER)
    assert "as it would go to" in text_of(await olga.reply(timeout=WORKER))


async def test_a_photo_that_could_not_be_checked_is_left_out_and_counted_when_as_is(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    ana: FakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    olga, channel, _, decided = await ready(bot, telegram, owner, ana)
    real = publishing_export.blurred_image
    calls = 0

    async def second_fails(data: bytes, **options: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:  # the worker died on the empty street
            raise CannotClean("the worker died")
        return await real(data, **options)

    monkeypatch.setattr(publishing_export, "blurred_image", second_fails)
    await choose_channel(olga, decided, "Rally News")
    await olga.reply()  # looking for faces
    await olga.reply(timeout=WORKER)  # the one covered photo
    card = await olga.reply(timeout=WORKER)
    assert "A photo was left out: it could not be checked for faces." in text_of(card)
    assert labels(card) == ["🙈 Publish blurred", "Publish as is", "Cancel"]
    await olga.press("Publish as is", message=card)
    await olga.callback_answer()
    assert "Published as is" in text_of(await olga.reply())
    [(detail,)] = bot.rows("SELECT detail FROM audit_log WHERE action = 'report:published'")
    assert json.loads(detail)["unchecked"] == 1
    assert len(posted_photos(telegram, channel.id)) == 2  # as sent: both


async def test_a_campaign_named_with_originals_is_that_campaign(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
) -> None:
    settings = make_settings(blur_faces="export")
    async with running(settings, clock, telegram) as bot:
        await started(owner)
        olga = await organiser_of(bot, owner, owner)
        await olga.send("/campaign Summer originals")
        await olga.reply()
        archive, summary = await exported(telegram, olga, "/export Summer originals")
        assert "Keep it safe" not in summary
        [(detail,)] = bot.rows("SELECT detail FROM audit_log WHERE action = 'export:made'")
        assert json.loads(detail)["scope"] == "campaign"
        assert json.loads(detail).get("faces") != "originals"
        assert archive.namelist()
