"""A broadcaster acts only in the channels they administer: Edit, Delete, Cancel schedule and
Unlink ask Telegram at the press, and a scheduled call asks again when it falls due (README,
"Calls to action")."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import RunningBot, labels, text_of
from tests.e2e.test_calls import linked_channel, posts_in, publish_text, schedule_text
from tests.e2e.test_channels import broadcaster
from turnout.sandbox.fakebot import FakeTelegram, FakeUser

NOT_ADMIN = "You are not an admin of Clean River News"


async def toast(person: FakeUser, label: str) -> str:
    await person.press(label)
    return str((await person.callback_answer()).get("text") or "")


async def test_another_broadcaster_cannot_rewrite_delete_or_unlink_a_channel_not_theirs(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await publish_text(caster, "Rally at noon", "Clean River News", subscribers=False)
    await bot.outbox_idle()
    rival = await broadcaster(owner, ben)  # a broadcaster too, but no admin of the channel

    await rival.send("/calls")
    assert "Edit #1" in labels(await rival.reply())
    assert NOT_ADMIN in await toast(rival, "Edit #1")
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]  # no question asked
    assert NOT_ADMIN in await toast(rival, "Delete #1")
    await rival.send("/channels")
    await rival.reply()
    assert NOT_ADMIN in await toast(rival, "Unlink Clean River News")

    await bot.outbox_idle()
    assert bot.rows("SELECT text, status FROM calls") == [("Rally at noon", "published")]
    assert [post["text"] for post in posts_in(telegram, river.id)] == ["Rally at noon"]
    touched = [
        call
        for method in ("deleteMessage", "editMessageText", "editMessageCaption")
        for call in telegram.calls_to(method)
        if call.params["chat_id"] == river.id
    ]
    assert touched == []
    assert bot.rows("SELECT title FROM channels") == [("Clean River News",)]

    # Made an admin of the channel, the same person may.
    telegram.set_chat_member(river, rival.id, "administrator")
    bot.clock.advance(timedelta(minutes=2))  # Telegram's earlier "no" is not kept that long
    await rival.send("/calls")
    await rival.reply()
    assert NOT_ADMIN not in await toast(rival, "Delete #1")
    assert "from every channel" in text_of(await rival.reply())


async def test_a_schedule_cannot_be_called_off_by_a_broadcaster_of_other_channels(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await schedule_text(caster, "Rally at noon", "Clean River News")
    rival = await broadcaster(owner, ben)
    await rival.send("/calls")
    await rival.reply()
    assert NOT_ADMIN in await toast(rival, "Cancel schedule of #1")
    assert bot.rows("SELECT status FROM calls") == [("scheduled",)]


async def test_a_scheduled_call_whose_author_left_the_channels_admins_is_held(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    assert "Scheduled for" in text_of(
        await schedule_text(caster, "Rally at noon", "Clean River News")
    )
    telegram.set_chat_member(river, caster.id, "member")  # no longer an admin there
    await bot.skip(timedelta(minutes=3))

    held = "its author is no longer an admin of Clean River News"
    assert held in text_of(await caster.reply(timeout=10))
    assert held in text_of(await owner.reply(timeout=10))
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []
    assert bot.rows("SELECT status FROM calls") == [("draft",)]
