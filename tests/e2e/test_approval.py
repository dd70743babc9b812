"""The two-person rule for broadcasts (README, "The two-person rule"): with
``TURNOUT_BROADCAST_APPROVAL`` set, a call waits until a second broadcaster or organiser, not
whoever asked, approves it after seeing exactly what will be posted where."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import RunningBot, button_data, eventually, labels, started, text_of
from tests.e2e.test_calls import (
    compose,
    linked_channel,
    posts_in,
    publish_text,
    schedule_text,
    subscribed,
)
from tests.e2e.test_channels import broadcaster
from turnout.handlers.common.floodgate import FloodGate
from turnout.sandbox.fakebot import FakeChat, FakeTelegram, FakeUser

REFUSAL = "Sorry, that is not for you: your role does not allow it."
APPROVE, REFUSE = "✅ Approve", "✖️ Refuse"
JSONDict = dict[str, Any]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"broadcast_approval": "channels"}


@pytest.fixture(autouse=True)
def no_flood(bot: RunningBot) -> None:
    """Several people compose, approve and edit within seconds here."""
    bot.application.bot_data.flood = FloodGate(limit=200)


def latest(person: FakeUser, needle: str) -> JSONDict | None:
    """The newest message in ``person``'s chat (as it is now) that says ``needle``."""
    for message in reversed(person.inbox):
        if needle in text_of(message):
            return message
    return None


async def told(person: FakeUser, needle: str, timeout: float = 10) -> JSONDict:  # noqa: ASYNC109
    """Wait until the bot has said ``needle`` to ``person``; that message."""
    await eventually(
        lambda: latest(person, needle) is not None, f"{person} told {needle!r}", timeout
    )
    found = latest(person, needle)
    assert found is not None
    return found


async def asked(person: FakeUser, call: int = 1) -> JSONDict:
    """The question ``person`` got about call ``call``, with Approve and Refuse under it."""
    return await told(person, f"approve call #{call} ")


async def toast(person: FakeUser, label: str, message: JSONDict) -> str:
    await person.press(label, message=message)
    return str((await person.callback_answer()).get("text") or "")


def calls_state(bot: RunningBot) -> list[list[tuple[Any, ...]]]:
    """Every row of this feature: the calls, the requests, and their messages."""
    return [
        bot.rows("SELECT * FROM calls ORDER BY id"),
        bot.rows("SELECT * FROM call_approvals ORDER BY id"),
        bot.rows(
            "SELECT * FROM deliveries WHERE purpose LIKE 'call%' OR purpose LIKE 'approval%'"
            " ORDER BY id"
        ),
        bot.rows("SELECT * FROM audit_log WHERE action LIKE 'call:%' ORDER BY id"),
    ]


def audit(bot: RunningBot) -> list[tuple[str, dict[str, Any]]]:
    return [
        (action, json.loads(detail))
        for action, detail in bot.rows(
            "SELECT action, detail FROM audit_log WHERE action LIKE 'call:%' ORDER BY id"
        )
    ]


async def two_broadcasters(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> FakeChat:
    """Ana links Clean River News; Ben is a broadcaster too. Returns the channel."""
    await started(owner)
    await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, ana, "Clean River News", "cleanriver")
    await broadcaster(owner, ben)
    return river


async def test_a_call_waits_until_a_second_broadcaster_approves_what_they_saw(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await compose(ana, "Rally at noon by the old bridge", "Clean River News")
    await ana.press("Publish now")
    await ana.callback_answer()
    waits = text_of(await ana.reply())
    assert "Call #1 waits for approval" in waits
    assert bot.rows("SELECT status FROM calls") == [("awaiting",)]

    # Ben sees the call exactly as it will be posted, then where, when, and the buttons.
    question = await asked(ben)
    preview = ben.inbox[ben.inbox.index(question) - 1]
    assert text_of(preview) == "Rally at noon by the old bridge"
    said = text_of(question)
    assert "<b>Ana</b> asks you to approve call #1" in said
    assert "Where: Clean River News" in said
    assert "Subscribers: not sent to them." in said
    assert "When: as soon as it is approved." in said
    assert labels(question) == [APPROVE, REFUSE]
    await asked(owner)  # an owner is asked too
    assert latest(ana, "approve call #1") is None  # never the author
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []

    assert "You approved call #1" in await toast(ben, APPROVE, question)
    await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the post")
    [post] = posts_in(telegram, river.id)
    assert post["text"] == "Rally at noon by the old bridge"
    assert "Ben approved call #1: it is going out now" in text_of(
        await told(ana, "approved call #1")
    )
    # The owner's question now says who decided, and has no buttons left.
    settled = await told(owner, "Call #1: approved by Ben.")
    assert labels(settled) == []
    assert bot.rows("SELECT status, approved_by FROM calls") == [("published", ben.id)]
    assert [action for action, _ in audit(bot)] == [
        "call:approval_requested",
        "call:approved",
        "call:published",
    ]
    assert audit(bot)[-1][1] == {"call": 1, "targets": [river.id], "approved_by": ben.id}
    # Pressed again (a double tap that arrives after the edit), nothing goes twice.
    await ben.press_data(button_data(question, APPROVE), question)
    assert "Already approved by Ben" in (await ben.callback_answer())["text"]
    await bot.outbox_idle()
    assert len(posts_in(telegram, river.id)) == 1


async def test_the_author_cannot_approve_their_own_call(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    await asked(ben)
    await bot.outbox_idle()
    before = calls_state(bot)
    # Ana has no such button: she forges it on a message of her own.
    await ana.press_data("appr:1:ok", ana.inbox[-1])
    answer = await ana.callback_answer()
    assert answer["text"] == "You asked for this yourself: someone else must approve or refuse it."
    await ana.press_data("appr:1:no", ana.inbox[-1])
    assert "someone else must" in (await ana.callback_answer())["text"]
    assert calls_state(bot) == before
    assert posts_in(telegram, river.id) == []


async def test_a_refused_call_goes_back_to_its_author_and_old_buttons_say_so(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    question = await asked(owner)
    assert "You refused call #1" in await toast(owner, REFUSE, question)
    refused = text_of(await told(ana, "refused call #1"))
    assert "Olga refused call #1. Nothing was posted" in refused
    assert bot.rows("SELECT status FROM calls") == [("draft",)]
    assert ("call:refused", {"call": 1, "request": 1, "kind": "publish"}) in audit(bot)
    # Ben's question is settled, and its old button changes nothing.
    bens = await told(ben, "Call #1: refused by Olga.")
    assert labels(bens) == []
    await ben.press_data("appr:1:ok", bens)  # a press that was on its way meanwhile
    assert "Already refused by Olga" in (await ben.callback_answer())["text"]
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []
    assert bot.rows("SELECT status FROM calls") == [("draft",)]
    await caught_up(bot, ana)
    await ana.send("/calls")
    assert "#1" not in text_of(await ana.reply())  # a draft, no longer listed


async def test_an_organiser_can_approve(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, ana, "Clean River News", "cleanriver")
    await started(ben)
    await owner.send(f"/grant {ben.id} organiser")
    await owner.reply()
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    question = await asked(ben)
    assert "You approved call #1" in await toast(ben, APPROVE, question)
    await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the post")


async def test_a_member_without_a_role_cannot_approve_nor_can_one_whose_role_was_revoked(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    mallory = telegram.add_user("Mallory")
    await started(mallory)
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    question = await asked(ben)
    await bot.outbox_idle()
    before = calls_state(bot)
    await mallory.press_data("appr:1:ok", mallory.inbox[0])
    answer = await mallory.callback_answer()
    assert (answer["text"], answer["show_alert"]) == (REFUSAL, True)
    assert latest(mallory, "approve call") is None  # a member is never asked
    assert calls_state(bot) == before

    await revoked(bot, owner, ben, "broadcaster")
    await bot.outbox_idle()
    before = calls_state(bot)
    assert await toast(ben, APPROVE, question) == REFUSAL  # his real button, role gone
    assert calls_state(bot) == before
    assert posts_in(telegram, river.id) == []


async def test_a_scheduled_call_unapproved_at_its_time_does_not_go_out(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    confirmation = text_of(await schedule_text(ana, "Rally at noon", "Clean River News"))
    assert "Call #1 is set for" in confirmation and "waits for approval" in confirmation
    question = await asked(ben)
    assert "When: " in text_of(question) and "if it is approved before then" in text_of(question)
    await bot.skip(timedelta(minutes=3))
    missed = text_of(await told(ana, "was not published"))
    assert "nobody approved it before its time" in missed
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []
    assert bot.rows("SELECT status FROM calls") == [("draft",)]
    assert bot.rows("SELECT status FROM call_approvals") == [("missed",)]
    assert "Too late" in await toast(ben, APPROVE, question)
    assert "call:approval_missed" in [action for action, _ in audit(bot)]
    await bot.skip(timedelta(minutes=3))
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []


async def test_a_scheduled_call_approved_in_time_goes_at_its_time_naming_the_approver(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await schedule_text(ana, "Rally at noon", "Clean River News")
    question = await asked(ben)
    assert "You approved call #1: it goes out at" in await toast(ben, APPROVE, question)
    assert "Ben approved call #1: it goes out at" in text_of(await told(ana, "approved call #1"))
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []  # not before its time
    assert bot.rows("SELECT status FROM calls") == [("scheduled",)]
    await bot.skip(timedelta(minutes=3))
    await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the scheduled post")
    published = [detail for action, detail in audit(bot) if action == "call:published"]
    assert published == [{"call": 1, "targets": [river.id], "approved_by": ben.id}]


async def approved_and_out(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser, ben: FakeUser, channel: int
) -> None:
    """Ana's call #1, approved by Ben and posted."""
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    await toast(ben, APPROVE, await asked(ben))
    await eventually(lambda: len(posts_in(telegram, channel)) == 1, "the post")
    await bot.outbox_idle()


async def caught_up(bot: RunningBot, person: FakeUser) -> None:
    """Everything queued has been sent, and ``person`` has read it all."""
    await bot.outbox_idle()
    with contextlib.suppress(AssertionError):
        while True:
            await person.reply(timeout=0.3)


async def revoked(bot: RunningBot, owner: FakeUser, person: FakeUser, role: str) -> None:
    await owner.send(f"/revoke {person.id} {role}")
    await eventually(
        lambda: not bot.rows("SELECT 1 FROM roles WHERE user_id = :user", user=person.id),
        "the role revoked",
    )


async def edit_call(bot: RunningBot, person: FakeUser, text: str) -> str:
    """/calls, Edit #1, the new text, Confirm; what the bot then says."""
    await caught_up(bot, person)
    await person.send("/calls")
    await person.press("Edit #1", message=await person.reply())
    await person.callback_answer()
    await person.reply()
    await person.send(text)
    *_, reach = await person.replies(3)
    assert "Another broadcaster or organiser must approve this new text" in text_of(reach)
    await person.press("✅ Confirm", message=reach)
    await person.callback_answer()
    return text_of(await person.reply())


def channel_text(telegram: FakeTelegram, channel: int) -> str:
    return text_of(telegram.messages(channel)[-1])


async def test_an_edit_of_a_published_call_waits_and_an_older_request_goes_stale(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await approved_and_out(bot, telegram, ana, ben, river.id)

    said = await edit_call(bot, ana, "Rally moved to 13:00")
    assert "The new text of call #1 waits for approval" in said
    first = await told(ben, "approve a new text of call #1")
    assert "It reads now: Rally at noon" in text_of(first)
    preview = ben.inbox[ben.inbox.index(first) - 1]
    assert text_of(preview) == "Rally moved to 13:00"
    await bot.outbox_idle()
    assert channel_text(telegram, river.id) == "Rally at noon"  # nothing changed yet
    await ana.send("/calls")
    await told(ana, "a new text waits for approval")

    # Ana changes her mind: the request Ben was shown is out of date.
    await edit_call(bot, ana, "Rally moved to 14:00")
    await eventually(
        lambda: len([m for m in ben.inbox if "approve a new text of call #1" in text_of(m)]) == 2,
        "the second request",
    )
    assert "Out of date" in await toast(ben, APPROVE, first)
    await bot.outbox_idle()
    assert channel_text(telegram, river.id) == "Rally at noon"

    second = await told(ben, "It reads now: Rally at noon")
    assert second["message_id"] != first["message_id"]
    assert "You approved the new text of call #1" in await toast(ben, APPROVE, second)
    await eventually(
        lambda: channel_text(telegram, river.id) == "Rally moved to 14:00", "edited", timeout=10
    )
    assert bot.rows("SELECT text FROM calls") == [("Rally moved to 14:00",)]
    edits = [detail for action, detail in audit(bot) if action == "call:edit"]
    assert edits == [{"call": 1, "approved_by": ben.id}]
    assert bot.rows("SELECT status FROM call_approvals ORDER BY id") == [
        ("approved",),
        ("void",),
        ("approved",),
    ]


async def test_a_refused_edit_leaves_the_posts_as_they_were(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await approved_and_out(bot, telegram, ana, ben, river.id)
    await edit_call(bot, ana, "Everyone go home")
    question = await told(ben, "approve a new text of call #1")
    await toast(ben, REFUSE, question)
    assert "The posts stay as they were" in text_of(await told(ana, "refused the new text"))
    await bot.outbox_idle()
    assert channel_text(telegram, river.id) == "Rally at noon"
    assert bot.rows("SELECT text, status FROM calls") == [("Rally at noon", "published")]


async def test_a_waiting_call_withdrawn_from_calls_cannot_be_approved(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    question = await asked(ben)
    await ana.send("/calls")
    listing = await ana.reply()
    assert "#1 · awaiting approval" in text_of(listing)
    assert labels(listing) == ["Withdraw #1"]
    assert "Withdrawn" in await toast(ana, "Withdraw #1", listing)
    assert "Out of date" in await toast(ben, APPROVE, question)
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []
    assert bot.rows("SELECT status FROM calls") == [("draft",)]


async def test_an_approval_after_the_author_lost_the_role_publishes_nothing(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    await publish_text(ana, "Rally at noon", "Clean River News", subscribers=False)
    question = await asked(ben)
    await revoked(bot, owner, ana, "broadcaster")
    said = await toast(ben, APPROVE, question)
    assert "Call #1 cannot go out: its author no longer holds the broadcaster role." in said
    await told(ana, "Call #1 was not published: its author no longer holds")
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []
    assert bot.rows("SELECT status FROM calls") == [("draft",)]


async def test_with_nobody_else_to_approve_the_call_is_refused_at_once(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    """An owner who broadcasts, with no broadcaster or organiser yet: nobody could approve,
    so it is said before anything is stored."""
    await started(owner)
    river = await linked_channel(bot, telegram, owner, "Clean River News", "cleanriver")
    await compose(owner, "Rally at noon", "Clean River News")
    await owner.press("Publish now")
    answer = await owner.callback_answer()
    assert "there is no other broadcaster or organiser" in answer["text"]
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]
    assert posts_in(telegram, river.id) == []


@pytest.mark.parametrize("settings_overrides", [{"broadcast_approval": "2"}])
async def test_a_subscriber_threshold_holds_only_calls_over_it(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    river = await two_broadcasters(bot, telegram, owner, ana, ben)
    # To the channel alone: no subscriber, under the threshold, so it goes at once.
    status = await publish_text(ana, "Channel only", "Clean River News", subscribers=False)
    assert text_of(status) == "Publishing…"
    await eventually(lambda: len(posts_in(telegram, river.id)) == 1, "the post")
    people = await subscribed(bot, telegram, 3)
    assert "waits for approval" in text_of(await publish_text(ana, "To all", subscribers=True))
    question = await asked(ben, call=2)
    assert "Subscribers: also to 3 subscribers" in text_of(question)
    await bot.outbox_idle()
    assert all(latest(person, "To all") is None for person in people)
    await toast(ben, APPROVE, question)
    await eventually(
        lambda: all(person.inbox and text_of(person.inbox[-1]) == "To all" for person in people),
        "every subscriber",
    )
    published = [
        detail["approved_by"] for action, detail in audit(bot) if action == "call:published"
    ]
    assert published == [None, ben.id]
