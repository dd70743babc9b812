"""Linking channels as a broadcaster would: forward a post or name it; Telegram is asked."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot, eventually, labels, shown, started, text_of
from turnout.sandbox.fakebot import FakeTelegram, FakeUser


async def broadcaster(owner: FakeUser, person: FakeUser) -> FakeUser:
    await started(person)
    await owner.send(f"/grant {person.id} broadcaster")
    await owner.reply()
    await person.reply()
    return person


async def test_linking_a_channel_by_forwarding_a_post(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    channel = telegram.add_channel("Clean River News", "cleanrivernews", owner=caster)
    telegram.set_chat_member(channel, telegram.bot_id, "administrator", can_post_messages=True)
    await caster.send("/addchannel")
    assert "Forward me any post" in text_of(await caster.reply())
    await caster.forward_from_channel(channel)
    assert (
        text_of(await caster.reply()) == "Linked: Clean River News. Calls can now be posted there."
    )
    assert bot.rows("SELECT chat_id, title, username, kind, linked_by FROM channels") == [
        (channel.id, "Clean River News", "cleanrivernews", "channel", caster.id)
    ]
    assert bot.rows("SELECT action FROM audit_log WHERE action LIKE 'channel:%'") == [
        ("channel:link",)
    ]


async def test_what_is_missing_is_said(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    someone_else = telegram.add_user("Other admin")
    theirs = telegram.add_channel("Tenants United", "tenantsunited", owner=someone_else)
    mine = telegram.add_channel("Picket Line", "picketline", owner=caster)
    await caster.send("/addchannel")
    await caster.reply()
    await caster.send("@picketline")  # the bot is not an admin there yet
    assert "Add me as an admin of Picket Line with “Post messages”" in text_of(await caster.reply())
    telegram.set_chat_member(mine, telegram.bot_id, "administrator", can_post_messages=False)
    await caster.send("@picketline")
    assert "Post messages" in text_of(await caster.reply())
    telegram.set_chat_member(theirs, telegram.bot_id, "administrator", can_post_messages=True)
    await caster.send("@tenantsunited")
    assert "Only admins of Tenants United can link it" in text_of(await caster.reply())
    await caster.send("@nosuchchannel")
    assert "can't see that chat" in text_of(await caster.reply())
    await caster.send("hello")
    assert "forward a post" in text_of(await caster.reply())
    assert bot.rows("SELECT COUNT(*) FROM channels") == [(0,)]
    await caster.send("/cancel")
    assert "Nothing was linked" in text_of(await caster.reply())


async def test_channels_are_listed_and_unlinked(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    channel = telegram.add_channel("Clean River News", "cleanrivernews", owner=caster)
    telegram.set_chat_member(channel, telegram.bot_id, "administrator", can_post_messages=True)
    await caster.send("/addchannel")
    await caster.reply()
    await caster.send("@cleanrivernews")
    await caster.reply()
    await caster.send("/channels")
    listing = await caster.reply()
    assert "Clean River News (@cleanrivernews)" in shown(listing)
    await caster.press("Unlink Clean River News")
    assert (await caster.callback_answer())["text"] == "Unlinked."
    assert "No channel is linked yet" in shown(await caster.edit())
    assert bot.rows("SELECT COUNT(*) FROM channels") == [(0,)]
    assert labels(listing) == ["Unlink Clean River News"]


async def test_the_linker_is_told_once_when_the_bot_is_removed(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    channel = telegram.add_channel("Clean River News", "cleanrivernews", owner=caster)
    telegram.set_chat_member(channel, telegram.bot_id, "administrator", can_post_messages=True)
    await caster.send("/addchannel")
    await caster.reply()
    await caster.send("@cleanrivernews")
    await caster.reply()
    telegram.remove_bot_from_channel(channel, by=caster)
    assert "I was removed from Clean River News" in text_of(await caster.reply())
    telegram.remove_bot_from_channel(channel, by=caster)
    await caster.no_reply(within=0.5)
    await eventually(lambda: bot.rows("SELECT can_post FROM channels") == [(0,)], "channel marked")
