"""Calls to action as a broadcaster publishes them: to channels and subscribers, exactly."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from tests.e2e.conftest import Clock, RunningBot, eventually, labels, running, started, text_of
from tests.e2e.test_channels import broadcaster
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeChat, FakeTelegram, FakeUser
from turnout.storage import NewAction


async def linked_channel(
    bot: RunningBot, telegram: FakeTelegram, caster: FakeUser, title: str, username: str
) -> FakeChat:
    channel = telegram.add_channel(title, username, owner=caster)
    telegram.set_chat_member(channel, telegram.bot_id, "administrator", can_post_messages=True)
    await caster.send("/addchannel")
    await caster.reply()
    await caster.send(f"@{username}")
    assert text_of(await caster.reply()).startswith("Linked")
    return channel


async def subscribed(bot: RunningBot, telegram: FakeTelegram, count: int) -> list[FakeUser]:
    data = bot.services
    people = [telegram.add_user(f"Member {n}") for n in range(count)]
    for person in people:
        await data.store.register_member(person.id, person.first_name, "en", "UTC", data.clock())
        await data.store.set_subscribed(person.id, True, data.clock())
    return people


def posts_in(telegram: FakeTelegram, chat_id: int, method: str = "sendMessage") -> list[dict]:  # type: ignore[type-arg]
    return [
        call.params
        for call in telegram.calls_to(method)
        if call.ok and call.params["chat_id"] == chat_id
    ]


async def compose(
    caster: FakeUser, text: str, *targets: str, subscribers: bool = False, action: str = ""
) -> None:
    """/newcall, the text, the target channels, subscribers and a linked action if asked."""
    await caster.send("/newcall")
    assert "Send the call" in text_of(await caster.reply())
    await caster.send(text)
    await caster.reply()
    for title in targets:
        await caster.press(title)
        await caster.callback_answer()
    if subscribers:
        await caster.press("Also send to subscribers")
        await caster.callback_answer()
    if action:
        await caster.press("Link an action")
        await caster.callback_answer()
        await caster.reply()
        await caster.press(action)
        await caster.callback_answer()
        await caster.reply()


async def publish_text(
    caster: FakeUser, text: str, *targets: str, subscribers: bool, action: str = ""
) -> dict:  # type: ignore[type-arg]
    """Compose and publish now; returns the status message."""
    await compose(caster, text, *targets, subscribers=subscribers, action=action)
    await caster.press("Publish now")
    await caster.callback_answer()
    return await caster.reply()


async def schedule_text(caster: FakeUser, text: str, target: str) -> dict:  # type: ignore[type-arg]
    """Compose and schedule in two minutes; returns the confirmation."""
    await compose(caster, text, target)
    await caster.press("Schedule")
    await caster.callback_answer()
    await caster.reply()
    await caster.send("in 2 minutes")
    return await caster.reply()


async def test_a_call_goes_once_to_two_channels_and_200_subscribers(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    tenants = await linked_channel(bot, telegram, caster, "Tenants United", "tenants")
    people = await subscribed(bot, telegram, 200)
    data = bot.services
    now = data.clock()
    action = await data.store.create_action(
        NewAction("Clean River Rally", "", now + timedelta(days=3), "UTC", "Old bridge",
                  None, None, None, ()), 1, [], now,
    )  # fmt: skip

    status = await publish_text(
        caster,
        "Join the Clean River Rally on Saturday!",
        "Clean River News",
        "Tenants United",
        subscribers=True,
        action="Clean River Rally",
    )
    assert text_of(status) == "Publishing…"

    text = "Join the Clean River Rally on Saturday!"
    await eventually(
        lambda: (
            sum(1 for c in telegram.calls_to("sendMessage") if c.ok and c.params["text"] == text)
            >= 202
        ),
        "every copy",
        timeout=30,
    )
    copies = Counter(
        int(c.params["chat_id"]) for c in telegram.calls_to("sendMessage")
        if c.ok and c.params["text"] == text
    )  # fmt: skip
    assert copies == Counter({river.id: 1, tenants.id: 1, **{p.id: 1 for p in people}})
    [post] = posts_in(telegram, river.id)
    buttons = [b for row in post["reply_markup"]["inline_keyboard"] for b in row]
    assert [(b["text"], b["url"]) for b in buttons] == [
        ("I'm going", f"https://t.me/turnout_test_bot?start=act_{action.id}"),
        ("Send a report", f"https://t.me/turnout_test_bot?start=rep_{action.id}"),
    ]
    await eventually(
        lambda: text_of(caster.inbox[-1]) == "Delivered to 202 of 202 chats",
        "final progress",
        timeout=15,
    )
    assert bot.rows("SELECT status FROM calls") == [("published",)]


async def test_an_album_sent_as_three_updates_is_posted_as_one_album(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await caster.send("/newcall")
    await caster.reply()
    await caster.send_album(3, caption="Photos from the river clean-up")
    options = await caster.reply(timeout=5)
    assert "Got it: 3 photos, 30 characters of text." in text_of(options)
    await caster.no_reply(within=2.0)  # one set of options for the album, not one per photo
    await caster.press("Clean River News")
    await caster.callback_answer()
    await caster.press("Publish now")
    await caster.callback_answer()
    await eventually(lambda: len(posts_in(telegram, river.id, "sendMediaGroup")) == 1, "album")
    [album] = posts_in(telegram, river.id, "sendMediaGroup")
    assert len(album["media"]) == 3
    assert album["media"][0]["caption"] == "Photos from the river clean-up"
    assert posts_in(telegram, river.id, "sendPhoto") == []


async def test_an_album_is_previewed_as_it_will_be_posted(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await caster.send("/newcall")
    await caster.reply()
    await caster.send_album(3, caption="Photos from the river clean-up")
    await caster.reply(timeout=5)
    await caster.press("Clean River News")
    await caster.callback_answer()
    await caster.press("Preview")
    await caster.callback_answer()
    await eventually(lambda: len(posts_in(telegram, caster.id, "sendMediaGroup")) == 1, "preview")
    [preview] = posts_in(telegram, caster.id, "sendMediaGroup")
    assert [item["caption"] for item in preview["media"][:1]] == ["Photos from the river clean-up"]
    assert len(preview["media"]) == 3


async def test_plain_text_arrives_exactly_as_typed(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    typed = "Bring <b>banners</b> & water; 3 < 5 & 7 > 2"
    await caster.send("/newcall")
    await caster.reply()
    await caster.send(typed)
    await caster.reply()
    await caster.press("Clean River News")
    await caster.callback_answer()
    await caster.press("Publish now")
    await caster.callback_answer()
    await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the post")
    channel_post = telegram.messages(river)[-1]
    from tests.e2e.conftest import shown

    assert shown(channel_post) == typed


async def test_a_scheduled_call_survives_a_restart_and_is_published_once(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    owner = telegram.add_user("Olga", user_id=4242)
    ana = telegram.add_user("Ana")
    async with running(settings, clock, telegram) as bot:
        await started(owner)
        caster = await broadcaster(owner, ana)
        river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
        assert "Scheduled for" in text_of(
            await schedule_text(caster, "Rally at noon", "Clean River News")
        )
    assert posts_in(telegram, river.id) == []
    clock.advance(timedelta(minutes=3))  # the time passes while the bot is down
    async with running(settings, clock, telegram) as bot:
        await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the scheduled post")
        told = text_of(await caster.reply(timeout=10))  # its author hears that it went
        assert "Scheduled call #1 is going out now: to Clean River News" in told
        await asyncio.sleep(0.5)
    async with running(settings, clock, telegram) as bot:
        await asyncio.sleep(0.5)
        assert bot.rows("SELECT status FROM calls") == [("published",)]
    assert len(posts_in(telegram, river.id)) == 1


async def test_edit_and_delete_reach_every_copy(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    tenants = await linked_channel(bot, telegram, caster, "Tenants United", "tenants")
    people = await subscribed(bot, telegram, 5)
    chats = [river.id, tenants.id, *(p.id for p in people)]
    await publish_text(
        caster, "Rally at noon", "Clean River News", "Tenants United", subscribers=True
    )

    def texts() -> dict[int, list[str]]:
        return {
            chat: [
                text_of(m)
                for m in telegram.messages(chat)
                if m.get("from", {}).get("is_bot") or chat < 0
            ]
            for chat in chats
        }

    await eventually(lambda: all("Rally at noon" in found for found in texts().values()), "posted")
    # The outbox writes Telegram's answers a moment after they come (in batches).
    sent = "SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'call:1:%' AND status = 'sent'"
    await eventually(lambda: bot.rows(sent) == [(7,)], "every copy recorded")
    await caster.send("/calls")
    listing = await caster.reply()
    assert "#1 · published · 7 copies" in text_of(listing)
    await caster.press("Edit #1")
    await caster.callback_answer()
    assert "Send the new text of call #1" in text_of(await caster.reply())
    await caster.send("Rally moved to 13:00")
    will_read, preview, reach = await caster.replies(3)
    assert text_of(will_read) == "Call #1 will read:"
    assert text_of(preview) == "Rally moved to 13:00"
    assert "Clean River News, Tenants United" in text_of(reach)
    assert "in the chats of 5 subscribers" in text_of(reach)
    # Nothing changed before it is confirmed.
    assert all("Rally moved" not in found for found in texts().values())
    await caster.press("✅ Confirm", message=reach)
    await caster.callback_answer()
    status = await caster.reply()
    assert text_of(status) == "Changing 7 copies."
    # The status ends with the total once every copy is changed.
    await eventually(
        lambda: (
            "Changed 7 of 7 copies." in text_of(caster.chat.messages[status["message_id"]].view())
        ),
        "the edit's total",
        timeout=15,
    )
    await eventually(
        lambda: all("Rally moved to 13:00" in found for found in texts().values()),
        "edited",
        timeout=15,
    )
    assert all("Rally at noon" not in found for found in texts().values())

    await caster.press("Delete #1", message=listing)
    await caster.callback_answer()
    confirm = await caster.reply()
    assert labels(confirm) == ["Yes, delete every copy", "No, keep it"]
    await caster.press("No, keep it", message=confirm)
    await caster.callback_answer()
    assert text_of(await caster.edit(of=confirm)) == "Call #1 is kept: nothing was deleted."
    assert all("Rally moved to 13:00" in found for found in texts().values())
    await caster.press("Delete #1", message=listing)
    await caster.callback_answer()
    await caster.reply()
    sure = await caster.press("Yes, delete every copy")
    assert (await caster.callback_answer())["text"] == "Deleting 7 copies."
    asked = sure["callback_query"]["message"]["message_id"]
    await eventually(
        lambda: "Deleted 7 of 7 copies." in text_of(caster.chat.messages[asked].view()),
        "the deletion's total",
        timeout=15,
    )
    await eventually(
        lambda: all("Rally moved to 13:00" not in found for found in texts().values()),
        "deleted",
        timeout=15,
    )
    assert bot.rows("SELECT status FROM calls") == [("deleted",)]
    actions = [a for (a,) in bot.rows("SELECT action FROM audit_log WHERE action LIKE 'call:%'")]
    assert actions == ["call:published", "call:edit", "call:deleted"]


async def test_a_scheduled_call_can_be_called_off(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await schedule_text(caster, "Rally next week", "Clean River News")
    await caster.send("/calls")
    await caster.reply()
    await caster.press("Cancel schedule of #1")
    assert "cancelled" in (await caster.callback_answer())["text"]
    assert bot.rows("SELECT status FROM calls") == [("draft",)]
    assert posts_in(telegram, river.id) == []


async def test_a_broadcaster_posts_only_where_they_are_an_admin(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    linker = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, linker, "Clean River News", "cleanriver")
    outsider = await broadcaster(owner, ben)
    await outsider.send("/newcall")
    await outsider.reply()
    await outsider.send("Not my channel")
    await outsider.reply()
    await outsider.press("Clean River News")
    await outsider.callback_answer()
    await outsider.press("Publish now")
    answer = await outsider.callback_answer()
    assert answer["text"] == "You are not an admin of Clean River News, so you cannot post there."
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]


async def test_the_authors_formatting_is_kept_exactly(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    text = "Rally today! Details: <here> & there"
    entities = [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "offset": 13, "length": 7, "url": "https://example.org/rally"},
    ]
    await caster.send("/newcall")
    await caster.reply()
    await caster.send(text, entities=entities)
    await caster.reply()
    await caster.press("Clean River News")
    await caster.callback_answer()
    await caster.press("Publish now")
    await caster.callback_answer()
    await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the post")
    [post] = posts_in(telegram, river.id)
    assert post["text"] == text
    assert post.get("parse_mode") is None
    assert post["entities"] == entities


async def test_each_subscriber_gets_the_buttons_in_their_language_edits_included(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    data = bot.services
    now = data.clock()
    lucia, pierre = telegram.add_user("Lucía"), telegram.add_user("Pierre")
    for person, language in ((lucia, "es"), (pierre, "fr")):
        await data.store.register_member(person.id, person.first_name, language, "UTC", now)
        await data.store.set_subscribed(person.id, True, now)
    await data.store.create_action(
        NewAction("Clean River Rally", "", now + timedelta(days=3), "UTC", "Old bridge",
                  None, None, None, ()), 1, [], now,
    )  # fmt: skip
    await publish_text(
        caster,
        "Rally on Saturday!",
        "Clean River News",
        subscribers=True,
        action="Clean River Rally",
    )

    def first_button(chat: int) -> str:
        [post] = [
            m for m in telegram.messages(chat)
            if m.get("from", {}).get("is_bot") or chat < 0
        ]  # fmt: skip
        return str(post["reply_markup"]["inline_keyboard"][0][0]["text"])

    catalogs = data.catalogs
    expected = {
        river.id: catalogs.translator("en")("call.button.going"),
        lucia.id: catalogs.translator("es")("call.button.going"),
        pierre.id: catalogs.translator("fr")("call.button.going"),
    }
    assert len(set(expected.values())) == 3
    await eventually(
        lambda: all(len(telegram.messages(chat)) for chat in expected), "posted", timeout=15
    )
    assert {chat: first_button(chat) for chat in expected} == expected

    await caster.send("/calls")
    await caster.press("Edit #1", message=await caster.reply())
    await caster.callback_answer()
    await caster.reply()
    await caster.send("Rally moved to Sunday!")
    *_, reach = await caster.replies(3)
    await caster.press("✅ Confirm", message=reach)
    await caster.callback_answer()
    await caster.reply()
    await eventually(
        lambda: all("Sunday" in text_of(telegram.messages(chat)[-1]) for chat in expected),
        "edited",
        timeout=15,
    )
    assert {chat: first_button(chat) for chat in expected} == expected
