"""The sandbox page's API, used as the page uses it: people chat, press, upload and skip ahead."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image

from turnout.bot.jobs import PLANNER
from turnout.delivery import Payload
from turnout.sandbox import demo
from turnout.sandbox.runner import Sandbox, SandboxOptions
from turnout.storage import Attendance
from turnout.storage.purposes import CallCopy

ANA, MARKO, OLGA = 100004, 100005, 100001


async def post(http: aiohttp.ClientSession, path: str, **body: Any) -> tuple[int, dict[str, Any]]:
    async with http.post(path, json=body) as response:
        return response.status, await response.json()


async def messages(http: aiohttp.ClientSession, chat: int, viewer: int) -> list[dict[str, Any]]:
    async with http.get(f"/api/chats/{chat}/messages", params={"as": str(viewer)}) as response:
        assert response.status == 200
        found: list[dict[str, Any]] = (await response.json())["messages"]
        return found


async def until(
    http: aiohttp.ClientSession,
    chat: int,
    viewer: int,
    text: str,
    timeout: float = 5.0,  # noqa: ASYNC109
) -> dict[str, Any]:
    """The first message of the chat whose HTML contains ``text``, once it is there."""
    async with asyncio.timeout(timeout):
        while True:
            for message in await messages(http, chat, viewer):
                if text in message["html"]:
                    return message
            await asyncio.sleep(0.05)


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    for row in message["keyboard"]:
        for found in row:
            if found["text"] == label:
                return dict(found)
    raise AssertionError(f"no button {label!r} in {message['keyboard']}")


async def test_the_page_lists_the_demo_people_and_their_chats(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get("/api/state") as response:
        state = await response.json()
    assert [p["role"] for p in state["personas"]] == [
        "Owner",
        "Organiser",
        "Broadcaster",
        "Member",
        "Member",
    ]
    assert state["bot"]["username"] == demo.BOT_USERNAME
    async with http.get(f"/api/personas/{OLGA}/chats") as response:
        olga = [(c["type"], c["title"]) for c in (await response.json())["chats"]]
    async with http.get(f"/api/personas/{ANA}/chats") as response:
        ana = [(c["type"], c["title"]) for c in (await response.json())["chats"]]
    assert olga == [
        ("private", "Turnout"),
        ("channel", "Demo Channel"),
        ("supergroup", "Review group"),
    ]
    assert ana == [("private", "Turnout"), ("channel", "Demo Channel")]
    async with http.get(f"/api/personas/{ANA}/commands") as response:
        commands = [c["command"] for c in (await response.json())["commands"]]
    assert "actions" in commands
    assert "newaction" not in commands


async def test_a_member_opens_the_action_and_answers_with_a_button(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert await post(http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": "/actions"}) == (
        200,
        {"ok": True},
    )
    listing = await until(http, ANA, ANA, "Upcoming actions")
    opened = button(listing, "Picket at City Hall")
    await post(
        http,
        "/api/press",
        **{"as": ANA, "chat_id": ANA, "message_id": listing["id"], "data": opened["callback"]},
    )
    card = await until(http, ANA, ANA, "1 going")
    status, answer = await post(
        http,
        "/api/press",
        **{
            "as": ANA,
            "chat_id": ANA,
            "message_id": card["id"],
            "data": button(card, "Going")["callback"],
        },
    )
    assert status == 200
    assert answer["answer"] is not None
    edited = await until(http, ANA, ANA, "2 going")
    assert edited["id"] == card["id"]
    assert edited["edited"]
    assert button(edited, "✓ Going")


async def test_bad_requests_get_a_reason_and_change_nothing(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    before = len(sandbox.telegram.updates)
    cases = [
        {"as": 1, "chat_id": ANA, "text": "hi"},  # nobody
        {"as": ANA, "chat_id": OLGA, "text": "hi"},  # somebody else's chat
        {"as": ANA, "chat_id": demo.CHANNEL_ID, "text": "hi"},  # only the bot posts there
        {"as": ANA, "chat_id": demo.REVIEW_GROUP_ID, "text": "hi"},  # not a member
        {"as": ANA, "chat_id": ANA, "text": "   "},
        {"as": "x", "chat_id": ANA, "text": "hi"},
    ]
    for body in cases:
        status, answer = await post(http, "/api/send", **body)
        assert status == 400, body
        assert answer["error"].endswith("."), answer
    status, answer = await post(
        http, "/api/press", **{"as": ANA, "chat_id": ANA, "message_id": 1, "data": "sub:on"}
    )
    assert status == 400
    status, answer = await post(http, "/api/skip", minutes=-5)
    assert status == 400
    assert sandbox.clock.offset == timedelta(0)
    async with http.post("/api/send", data=b"{not json") as response:
        assert response.status == 400
    assert len(sandbox.telegram.updates) == before


async def test_only_the_page_itself_may_use_the_sandbox(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    """Another site in the same browser, or another name for the address, gets nothing."""
    before = len(sandbox.telegram.updates)
    send = {"as": OLGA, "chat_id": OLGA, "text": "/grant 100004 organiser"}
    async with http.post("/api/send", data=json.dumps(send)) as response:  # text/plain
        assert response.status == 400
    evil = {"Origin": "http://evil.example"}
    async with http.post("/api/send", json=send, headers=evil) as response:
        assert response.status == 403
    async with http.get("/api/state", headers={"Host": f"evil.example:{sandbox.port}"}) as response:
        assert response.status == 421
    async with http.post("/api/skip", json={"minutes": 1e17}) as response:
        assert response.status == 400
    assert len(sandbox.telegram.updates) == before
    mine = {"Origin": f"http://127.0.0.1:{sandbox.port}"}
    async with http.post("/api/send", json=send, headers=mine) as response:
        assert response.status == 200


async def test_photos_lose_their_metadata_and_files_keep_their_name(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    picture = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretPhone"  # Make
    Image.new("RGB", (40, 30), "red").save(picture, "PNG", exif=exif)
    form = aiohttp.FormData(
        {"as": str(ANA), "chat_id": str(ANA), "mode": "photo", "caption": "From the street"}
    )
    form.add_field("file", picture.getvalue(), filename="street.png", content_type="image/png")
    async with http.post("/api/upload", data=form) as response:
        assert response.status == 200
    shown = await until(http, ANA, ANA, "From the street")
    assert [m["kind"] for m in shown["media"]] == ["photo"]
    async with http.get(shown["media"][0]["url"]) as response:
        stored = await response.read()
        assert response.content_type == "image/jpeg"
    assert b"SecretPhone" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)

    form = aiohttp.FormData({"as": str(ANA), "chat_id": str(ANA), "mode": "file"})
    form.add_field(
        "file", b"%PDF-1.4 minutes", filename="minutes.pdf", content_type="application/pdf"
    )
    async with http.post("/api/upload", data=form) as response:
        assert response.status == 200
    document = (await messages(http, ANA, ANA))[-1]
    if not document["media"] or document["media"][0]["kind"] != "document":
        document = next(
            m
            for m in await messages(http, ANA, ANA)
            if m["media"] and m["media"][0]["kind"] == "document"
        )
    assert document["media"][0]["name"] == "minutes.pdf"
    async with http.get(document["media"][0]["url"]) as response:
        assert await response.read() == b"%PDF-1.4 minutes"
        assert 'filename="minutes.pdf"' in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    form = aiohttp.FormData({"as": str(ANA), "chat_id": str(ANA), "mode": "photo"})
    form.add_field("file", b"not a picture", filename="x.png", content_type="image/png")
    async with http.post("/api/upload", data=form) as response:
        assert response.status == 400
        assert "not an image" in (await response.json())["error"]


async def test_a_shared_location_reaches_the_bot(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, _ = await post(
        http, "/api/location", **{"as": ANA, "chat_id": ANA, "latitude": 44.8, "longitude": 20.4}
    )
    assert status == 200
    sent = [m for m in await messages(http, ANA, ANA) if m["location"]]
    assert sent[-1]["location"]["latitude"] == 44.8
    assert sent[-1]["mine"]
    assert any("location" in u.get("message", {}) for u in sandbox.telegram.updates)
    status, _ = await post(
        http, "/api/location", **{"as": ANA, "chat_id": ANA, "latitude": 95, "longitude": 0}
    )
    assert status == 400


async def test_the_page_hears_of_new_messages_without_asking(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get("/api/events") as stream:
        await stream.content.readline()  # the retry line
        await post(http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": "/help"})
        async with asyncio.timeout(5):
            while True:
                line = (await stream.content.readline()).decode()
                if line.startswith("data:") and json.loads(line[5:])["chat_id"] == ANA:
                    break


async def test_skipping_ahead_brings_the_reminder(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    application = sandbox.application
    assert application is not None
    assert application.job_queue is not None
    queue = application.job_queue

    def booked_for_later() -> bool:
        later = sandbox.clock.now() + timedelta(hours=1)
        return any(
            job.next_t is not None and job.next_t > later for job in queue.get_jobs_by_name(PLANNER)
        )

    # The start-up run of the planner is over: its next run is booked for the real due time.
    async with asyncio.timeout(5):
        while not booked_for_later():
            await asyncio.sleep(0.02)
    store = application.bot_data.services.store
    (action,) = await store.upcoming_actions(sandbox.clock.now(), 5)
    # An hour before the start: the "2h" reminder is due, the action has not begun.
    minutes = int((action.starts_at - sandbox.clock.now()).total_seconds() // 60) - 60
    status, answer = await post(http, "/api/skip", minutes=minutes)
    assert status == 200
    assert answer["clock"]["offset_minutes"] == minutes
    reminder = await until(http, MARKO, MARKO, "Picket at City Hall", timeout=10)
    assert not reminder["mine"]
    # The fake server's dates moved with the bot's clock.
    assert reminder["date"] >= int(sandbox.clock.now().timestamp()) - 60
    # Ana never answered: no reminder for her.
    assert await messages(http, ANA, ANA) == []


async def test_the_demo_is_written_once_and_reset_starts_again(tmp_path: Path) -> None:
    options = SandboxOptions(port=0, database=tmp_path / "sandbox.db")
    async with Sandbox(options) as first:
        assert first.application is not None
        data = first.application.bot_data.services
        await data.store.cancel_action(1, demo.OWNER.id, first.clock.now())
        for grant in await data.store.role_holders():
            await data.store.revoke_role(grant.user_id, grant.role, demo.OWNER.id, data.clock())
        # A post in the channel, remembered by the outbox (a call would be edited by its id).
        await data.outbox.enqueue(CallCopy(999, "text"), [(demo.CHANNEL_ID, Payload("A post"))])
        channel = first.telegram.world.chat(demo.CHANNEL_ID)
        async with asyncio.timeout(5):
            while not channel.bot_messages():
                await asyncio.sleep(0.02)
        posted = channel.bot_messages()[-1].message_id
    async with Sandbox(options) as second:
        assert second.application is not None
        store = second.application.bot_data.services.store
        # Nothing written again: not the action, not the roles someone took away.
        assert await store.upcoming_actions(second.clock.now(), 5) == []
        assert await store.role_holders() == []
        # The chats are new, and their messages will not reuse the ids of the old ones.
        assert second.telegram.world.chat(demo.CHANNEL_ID).next_message_id > posted
    async with Sandbox(SandboxOptions(port=0, database=options.database, reset=True)) as third:
        assert third.application is not None
        (action,) = await third.application.bot_data.services.store.upcoming_actions(
            third.clock.now(), 5
        )
        assert action.title == "Picket at City Hall"


async def test_formatted_text_reaches_the_bot_with_its_entities(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    text = "/help 🙂 Bold and a link"
    # Counted in the text as typed, two spaces first; the emoji is two UTF-16 units.
    link = "https://example.org/x?a=1&b=2"
    entities = [
        {"type": "bold", "offset": 11, "length": 4},
        {"type": "text_link", "offset": 22, "length": 4, "url": link},
        {"type": "italic", "offset": 11, "length": 15},
    ]
    status, _ = await post(
        http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": f"  {text} ", "entities": entities}
    )
    assert status == 200
    sent = sandbox.telegram.updates[-1]["message"]
    assert sent["text"] == text
    # Moved with the spaces, in Telegram's order, the command marked as the app marks it.
    assert sent["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 5},
        {"type": "italic", "offset": 9, "length": 15},
        {"type": "bold", "offset": 9, "length": 4},
        {"type": "text_link", "offset": 20, "length": 4, "url": link},
    ]
    shown = next(m for m in await messages(http, ANA, ANA) if m["mine"])
    assert shown["html"] == (
        '/help 🙂 <i><b>Bold</b> and a <a href="https://example.org/x?a=1&amp;b=2">link</a></i>'
    )


async def test_a_formatted_caption_reaches_the_bot_with_its_entities(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(picture, "PNG")
    form = aiohttp.FormData(
        {
            "as": str(ANA),
            "chat_id": str(ANA),
            "mode": "photo",
            "caption": "The street",
            "entities": json.dumps([{"type": "bold", "offset": 4, "length": 6}]),
        }
    )
    form.add_field("file", picture.getvalue(), filename="street.png", content_type="image/png")
    async with http.post("/api/upload", data=form) as response:
        assert response.status == 200
    sent = sandbox.telegram.updates[-1]["message"]
    assert sent["caption_entities"] == [{"type": "bold", "offset": 4, "length": 6}]
    shown = await until(http, ANA, ANA, "street")
    assert shown["html"] == "The <b>street</b>"


async def test_formatting_the_page_could_not_have_made_is_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    before = len(sandbox.telegram.updates)
    text = "🙂 a link"
    bad = [
        "bold",  # not a list
        [{"type": "pre", "offset": 0, "length": 1}],  # not from the menu
        [{"type": "bold", "offset": 1, "length": 2}],  # inside the emoji
        [{"type": "bold", "offset": 0, "length": 10}],  # past the end
        [{"type": "bold", "offset": -1, "length": 2}],
        [{"type": "bold", "offset": 0, "length": 0}],
        [{"type": "bold", "offset": True, "length": 2}],
        [{"type": "text_link", "offset": 5, "length": 4, "url": "javascript:alert(1)"}],
        [{"type": "text_link", "offset": 5, "length": 4, "url": "data:text/html,hi"}],
        [{"type": "text_link", "offset": 5, "length": 4, "url": "https://"}],
        [{"type": "text_link", "offset": 5, "length": 4}],
        [{"type": "bold", "offset": 0, "length": 1}] * 101,
    ]
    for entities in bad:
        status, answer = await post(
            http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": text, "entities": entities}
        )
        assert status == 400, entities
        assert answer["error"].endswith("."), answer
    assert len(sandbox.telegram.updates) == before
    for url in ("http://example.org", "tg://resolve?domain=turnout_sandbox_bot"):
        link = [{"type": "text_link", "offset": 5, "length": 4, "url": url}]
        status, _ = await post(
            http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": text, "entities": link}
        )
        assert status == 200


async def test_addresses_in_plain_messages_are_shown_as_links(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    await post(
        http,
        "/api/send",
        **{"as": ANA, "chat_id": ANA, "text": "Photos at https://example.org/album. <b>x</b>"},
    )
    shown = next(m for m in await messages(http, ANA, ANA) if m["mine"])
    assert shown["html"] == (
        'Photos at <a href="https://example.org/album">https://example.org/album</a>. '
        "&lt;b&gt;x&lt;/b&gt;"
    )
    assert "entities" not in sandbox.telegram.updates[-1]["message"]  # as typed: no formatting


async def test_after_a_restart_the_bot_still_answers_and_keeps_what_was_sent(
    tmp_path: Path,
) -> None:
    """The fake server is new at every start, but Telegram never gives an update id or a
    message id twice: a restarted sandbox must not look like old updates, old messages."""
    options = SandboxOptions(port=0, database=tmp_path / "sandbox.db")
    async with Sandbox(options) as first, aiohttp.ClientSession(base_url=first.url) as http:
        await post(http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": "/report"})
        which = await until(http, ANA, ANA, "Which action")
        picket = button(which, "Picket at City Hall")["callback"]
        await post(
            http,
            "/api/press",
            **{"as": ANA, "chat_id": ANA, "message_id": which["id"], "data": picket},
        )
        await until(http, ANA, ANA, "/done")
        await post(http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": "First part"})
        await until(http, ANA, ANA, "Text added")
    async with Sandbox(options) as second, aiohttp.ClientSession(base_url=second.url) as http:
        await post(http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": "Second part"})
        await until(http, ANA, ANA, "Text added")
        await post(http, "/api/send", **{"as": ANA, "chat_id": ANA, "text": "/done"})
        await until(http, ANA, ANA, "Submit it?")
        assert second.application is not None
        draft = await second.application.bot_data.services.store.draft_of(ANA)
        assert draft is not None
        assert draft.text == "First part\n\nSecond part"


async def test_the_demo_has_an_action_under_way_with_someone_already_there(
    sandbox: Sandbox,
) -> None:
    assert sandbox.application is not None
    store = sandbox.application.bot_data.services.store
    now = sandbox.clock.now()
    march = await store.action(2)
    assert march is not None and march.title == "March for Clean Air"
    assert march.starts_at <= now < march.end
    assert await store.attendance(march.id) == Attendance(going=3, here=1, confirmed=1)
    ana = await store.checkin_of(march.id, ANA)
    assert ana is not None and ana.confirmed
    assert await store.checkin_of(march.id, MARKO) is None
