"""getUpdates semantics, webhook push and the update builders, checked with PTB's de_json."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    MessageEntity,
    MessageOriginChannel,
    Update,
)
from telegram.error import Conflict

from turnout.sandbox.fakebot import SECRET_HEADER, FakeTelegram


async def test_get_updates_offset_limit_and_timeout(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    for text in ("one", "two", "three"):
        await alice.send(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["one", "two", "three"]
    ids = [u.update_id for u in first]
    assert ids == sorted(ids)
    assert ids[1] == ids[0] + 1

    # not confirmed yet: delivered again; limit honoured
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    # offset confirms everything below it
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert len(tg.pending_updates) == 2

    started = time.monotonic()
    assert await bot.get_updates(offset=ids[-1] + 1, timeout=dtm.timedelta(seconds=0.3)) == ()
    assert 0.25 <= time.monotonic() - started < 2
    assert tg.pending_updates == []


async def test_long_poll_wakes_on_new_update(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")

    async def later() -> None:
        await asyncio.sleep(0.1)
        await alice.send("/start")

    task = asyncio.create_task(later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    await task
    assert time.monotonic() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/start"
    assert message.entities == (MessageEntity("bot_command", 0, 6),)
    assert message.from_user is not None
    assert message.from_user.id == alice.id


async def test_negative_offset_and_allowed_updates(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    await alice.send("a")
    await alice.send("b")
    await alice.send("c")
    assert [u.message.text for u in await bot.get_updates(offset=-1) if u.message] == ["c"]
    await alice.send("d")
    await bot.send_message(alice.id, "pick", reply_markup=None)
    await alice.press_data("x")
    only_queries = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_queries if u.callback_query] == ["x"]
    # allowed_updates is remembered for later calls
    await alice.send("e")
    assert all(u.callback_query for u in await bot.get_updates())


async def test_concurrent_get_updates_conflict(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_until(lambda: len(tg.calls_to("getUpdates")) == 1)
    await asyncio.sleep(0.05)
    assert await bot.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first


@dataclass
class Receiver:
    """A tiny webhook endpoint."""

    url: str
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    fail_next: int = 0


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver(url="")

    async def handle(request: web.Request) -> web.Response:
        if state.fail_next > 0:
            state.fail_next -= 1
            return web.Response(status=500)
        state.received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield state
    await runner.cleanup()


async def test_webhook_push_with_secret_and_retry(
    tg: FakeTelegram, bot: Bot, receiver: Receiver
) -> None:
    alice = tg.add_user("Alice")
    await alice.send("queued before the webhook")
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-token")
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    await tg.wait_until(lambda: len(receiver.received) == 1)

    receiver.fail_next = 2  # the next update needs three attempts
    await alice.send("second")
    await alice.send("third")
    await tg.wait_until(lambda: len(receiver.received) == 3)
    texts = [body["message"]["text"] for _, body in receiver.received]
    assert texts == ["queued before the webhook", "second", "third"]
    assert {secret for secret, _ in receiver.received} == {"s3cr3t-token"}
    ids = [body["update_id"] for _, body in receiver.received]
    assert ids == sorted(ids)
    attempts = [d for d in tg.webhook_deliveries if d.update_id == ids[1]]
    assert [d.status for d in attempts] == [500, 500, 200]
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message is not None
    assert "500" in info.last_error_message

    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    await alice.send("polled again")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["polled again"]


async def test_set_webhook_terminates_long_poll(
    tg: FakeTelegram, bot: Bot, receiver: Receiver
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_until(lambda: len(tg.calls_to("getUpdates")) == 1)
    async with Bot(bot.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as other:
        await other.set_webhook(receiver.url, drop_pending_updates=True)
    with pytest.raises(Conflict, match=r"(?i)terminated by setWebhook"):
        await poll


async def test_builders_decode_with_ptb(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    owner = tg.add_user("Olga")
    channel = tg.add_channel("News", "turnout_news", owner=owner)

    await alice.send("/join@turnout_test_bot now")
    await alice.send_location(52.52, 13.405)
    await alice.forward_from_channel(channel, text="Rally on Friday")
    await alice.block_bot()
    await alice.unblock_bot()
    tg.add_bot_to_channel(channel, by=owner)
    tg.remove_bot_from_channel(channel, by=owner)

    updates = await bot.get_updates()
    assert len(updates) == 7
    command, location, forward, blocked, unblocked, added, removed = updates
    assert command.message is not None
    assert command.message.entities[0].length == len("/join@turnout_test_bot")
    assert location.message is not None
    assert location.message.location is not None
    assert location.message.location.latitude == pytest.approx(52.52)
    assert forward.message is not None
    origin = forward.message.forward_origin
    assert isinstance(origin, MessageOriginChannel)
    assert origin.chat.id == channel.id
    assert forward.message.text == "Rally on Friday"

    assert blocked.my_chat_member is not None
    assert isinstance(blocked.my_chat_member.old_chat_member, ChatMemberMember)
    assert isinstance(blocked.my_chat_member.new_chat_member, ChatMemberBanned)
    assert unblocked.my_chat_member is not None
    assert isinstance(unblocked.my_chat_member.new_chat_member, ChatMemberMember)
    assert added.my_chat_member is not None
    assert added.my_chat_member.chat.id == channel.id
    assert isinstance(added.my_chat_member.old_chat_member, ChatMemberLeft)
    new = added.my_chat_member.new_chat_member
    assert isinstance(new, ChatMemberAdministrator)
    assert new.can_post_messages is True
    assert removed.my_chat_member is not None
    assert isinstance(removed.my_chat_member.new_chat_member, ChatMemberLeft)

    raw = tg.push_update({"message": {"message_id": 99, "date": 0, "chat": alice.chat.to_dict()}})
    assert raw["update_id"] == updates[-1].update_id + 1
    assert Update.de_json(raw, bot) is not None


async def test_group_privacy_mode(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    group = tg.add_group("Crew", owner=alice)
    await alice.send("just chatting", chat=group)
    await alice.send("/status", chat=group)
    await alice.send("/status@other_bot", chat=group)
    await alice.send("hey @turnout_test_bot", chat=group)
    texts = [u.message.text for u in await bot.get_updates() if u.message]
    assert texts == ["/status", "hey @turnout_test_bot"]
    assert [m["text"] for m in tg.suppressed] == ["just chatting", "/status@other_bot"]
