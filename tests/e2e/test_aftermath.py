"""After an action, as people live it: "Are you safe?" at the end to everyone who checked in,
help for someone who needs it only with their consent, the organiser's counts and one more ask,
and the thank-you that opens a report about the action directly.

The actions here start half an hour from now and end two hours from now; people answer and
check in at once (check-in itself is tested in its own module), and the test clock skips past
the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import (
    OWNER_ID,
    Clock,
    RunningBot,
    button_data,
    eventually,
    labels,
    running,
    shown,
    started,
    text_of,
)
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer, NewAction, Role, Safety
from turnout.usecases.actions import cancel_action
from turnout.views.buttons import ReportOn, RunSafetyCheck, SafetyReply, ShareContact

END = timedelta(hours=2)
PAST_THE_END = END + timedelta(seconds=1)
PHOTOS = END + timedelta(minutes=30)

ASK = "are you safe?"
AGAIN = "Asking once more"
THANKS = "Thank you for being at"
SAFE, HELP = "✅ I'm safe", "🆘 I need help"
SHARE, DONT = "Yes, share my contact", "No, don't share it"


async def an_action(
    bot: RunningBot, here: Sequence[FakeUser], going: Sequence[FakeUser] = (), **changes: Any
) -> Action:
    """An action ending ``END`` from now: ``here`` answered Going and checked in, ``going``
    only answered. Everyone has started the bot."""
    store, now = bot.services.store, bot.services.clock()
    values: dict[str, Any] = {
        "title": "River Picket",
        "description": "",
        "starts_at": now + timedelta(minutes=30),
        "timezone": "UTC",
        "place": "The old bridge",
        "latitude": None,
        "longitude": None,
        "capacity": None,
        "reminder_minutes": (),
        "ends_at": now + END,
    }
    action = await store.create_action(NewAction(**(values | changes)), OWNER_ID, [], now)
    for person in [*here, *going]:
        assert await store.answer_rsvp(action.id, person.id, Answer.GOING, now) is not None
    for person in here:
        assert await store.check_in(action.id, person.id, now) is not None
    await bot.wake_planner()
    return action


def received(person: FakeUser, words: str) -> list[dict[str, Any]]:
    return [message for message in person.inbox if words in shown(message)]


async def people(telegram: FakeTelegram, *names: str) -> list[FakeUser]:
    """People who started the bot, their greeting read."""
    found = []
    for name in names:
        person = telegram.add_user(name, username=name.lower() + "_on_tg")
        await started(person)
        found.append(person)
    return found


async def card_of(organiser: FakeUser, action: Action) -> dict[str, Any]:
    await organiser.send(f"/start act_{action.id}")
    return await organiser.reply()


async def test_everyone_here_is_asked_once_and_the_organiser_counts_and_asks_again_once(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    ana, ben, cleo, dan = await people(telegram, "Ana", "Ben", "Cleo", "Dan")
    action = await an_action(bot, here=[ana, ben, cleo], going=[dan])
    await bot.skip(PAST_THE_END)

    asked = [await person.reply() for person in (ana, ben, cleo)]
    assert all(ASK in shown(message) and "River Picket" in shown(message) for message in asked)
    assert labels(asked[0]) == [SAFE, HELP]
    await dan.no_reply()

    await ana.press(SAFE)
    assert "glad you're safe" in (await ana.callback_answer())["text"]
    await ana.edit()  # the answer marked on its button: it may still change
    assert labels(ana.inbox[-1]) == ["✓ " + SAFE, HELP]
    await ben.press(HELP)
    question = await ben.reply()
    assert "the organisers of this action" in shown(question)
    assert labels(question) == [SHARE, DONT]

    card = await card_of(owner, action)
    assert "1 safe · 1 needs help · 1 no answer" in shown(card)
    assert "🛟 Ask those without an answer again" in labels(card)
    await owner.press("🛟 Ask those without an answer again", message=card)
    assert (await owner.callback_answer())["text"] == "Asked 1 person once more."
    updated = await owner.edit(of=card)
    assert "1 safe · 1 needs help · 1 no answer" in shown(updated)
    assert not any("🛟" in label for label in labels(updated))  # once is all

    again = await cleo.reply()
    assert AGAIN in shown(again)
    await cleo.press(SAFE, message=again)
    await cleo.callback_answer()
    # The old button once more, as a second organiser's stale card would: nothing is sent.
    await owner.press_data(button_data(card, "🛟 Ask those without an answer again"), card)
    assert "once is all" in (await owner.callback_answer())["text"]
    await asyncio.sleep(0.5)  # a second copy of anything would be here by now
    for person, copies in ((ana, 1), (ben, 1), (cleo, 2), (dan, 0)):
        assert len(received(person, "River Picket")) == copies, person
    assert bot.rows("SELECT safety_round FROM actions") == [(2,)]
    assert bot.rows("SELECT safety FROM checkins ORDER BY user_id") == [
        ("safe",),
        ("help",),
        ("safe",),
    ]


async def test_help_shared_tells_the_organisers_with_a_way_to_reach_the_person(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    org, ana, ben = await people(telegram, "Omar", "Ana", "Ben")
    await bot.services.store.grant_role(org.id, Role.ORGANISER, OWNER_ID, bot.clock())
    action = await an_action(bot, here=[ana, ben, org])
    await bot.skip(PAST_THE_END)
    await ana.reply()
    await ben.reply()
    await org.reply()

    await ana.press(HELP)
    await ana.reply()  # shall I share?
    await ana.press(SHARE)
    done = await ana.reply()
    assert "I told the organisers of this action" in shown(done)
    assert labels(ana.inbox[-2]) == []  # the question is answered: its buttons are gone
    for staff in (owner, org):
        told = await staff.reply()
        assert "Someone needs help" in shown(told)
        assert "River Picket" in shown(told)
        assert f'<a href="tg://user?id={ana.id}">Ana</a> (@ana_on_tg)' in text_of(told)
    await ben.no_reply()

    # Pressed twice (a double tap): the team is told once.
    await ana.press_data(ShareContact(action.id, True).encode(), ana.inbox[-2])
    await ana.reply()
    await owner.no_reply()
    assert bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'safety-help:%'") == [(2,)]
    # Nothing of who needed help is in the audit log.
    assert bot.rows("SELECT COUNT(*) FROM audit_log WHERE detail LIKE :id", id=f"%{ana.id}%") == [
        (0,)
    ]


async def test_a_host_no_longer_trusted_is_not_told_who_needs_help(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    """The owner took the host role away: the action keeps its host for the record, but the
    host is no longer on its safety team."""
    await started(owner)
    hana, ana = await people(telegram, "Hana", "Ana")
    store = bot.services.store
    action = await an_action(bot, here=[ana], host_id=hana.id)
    assert Role.HOST in await store.roles_of(hana.id)
    await store.revoke_role(hana.id, Role.HOST, OWNER_ID, bot.clock())
    await bot.skip(PAST_THE_END)
    await ana.reply()
    await ana.press(HELP)
    question = await ana.reply()
    assert "host" not in shown(question)
    await ana.press(SHARE)
    await ana.reply()
    assert "Someone needs help" in shown(await owner.reply())
    await hana.no_reply()
    assert bot.rows(
        "SELECT chat_id FROM deliveries WHERE purpose = :p", p=f"safety-help:{action.id}:{ana.id}"
    ) == [(OWNER_ID,)]


async def test_help_not_shared_tells_nobody_and_says_what_one_can_do(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    [ana] = await people(telegram, "Ana")
    action = await an_action(bot, here=[ana])
    await bot.skip(PAST_THE_END)
    await ana.reply()
    await ana.press(HELP)
    await ana.reply()
    await ana.press(DONT)
    answer = await ana.reply()
    assert "Nothing was shared" in shown(answer)
    assert "emergency number" in shown(answer)
    await owner.no_reply(within=1.0)
    assert bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'safety-help:%'") == [(0,)]
    # The organiser still sees that one person needs help, never who.
    card = await card_of(owner, action)
    assert "0 safe · 1 needs help · 0 no answer" in shown(card)
    assert "Ana" not in shown(card)


@pytest.fixture
def safety_chat(telegram: FakeTelegram) -> Any:
    return telegram.add_group("Safety team")


async def test_with_a_safety_chat_set_the_chat_is_told_and_not_the_organisers(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    safety_chat: Any,
) -> None:
    settings = make_settings(safety_chat_id=safety_chat.id)
    async with running(settings, clock, telegram) as bot:
        await started(owner)
        [ana] = await people(telegram, "Ana")
        await an_action(bot, here=[ana])
        await bot.skip(PAST_THE_END)
        await ana.reply()
        await ana.press(HELP)
        assert "the action's safety team (their group chat)" in shown(await ana.reply())
        await ana.press(SHARE)
        await ana.reply()
        await telegram.wait_until(
            lambda: bool(telegram.bot_messages(safety_chat)), message="the safety chat told"
        )
        [told] = telegram.bot_messages(safety_chat)
        assert f'<a href="tg://user?id={ana.id}">Ana</a> (@ana_on_tg)' in text_of(told)
        await owner.no_reply()


async def test_a_safety_chat_the_bot_was_removed_from_does_not_lose_the_call_for_help(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    safety_chat: Any,
) -> None:
    """Told "shared" while nobody could read it would be the worst answer: the organisers
    hear it instead, and the person is told who."""
    settings = make_settings(safety_chat_id=safety_chat.id)
    async with running(settings, clock, telegram) as bot:
        await started(owner)
        [ana] = await people(telegram, "Ana")
        await an_action(bot, here=[ana])
        telegram.set_chat_member(safety_chat, telegram.bot_id, "left")
        await bot.skip(PAST_THE_END)
        await ana.reply()
        await ana.press(HELP)
        await ana.reply()
        await ana.press(SHARE)
        done = await ana.reply()
        assert "I told the organisers of this action" in shown(done)
        told = await owner.reply()
        assert f'<a href="tg://user?id={ana.id}">Ana</a> (@ana_on_tg)' in text_of(told)
        assert telegram.bot_messages(safety_chat) == []


async def test_an_organiser_asks_before_the_end_and_the_end_asks_nobody_again(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    ana, ben = await people(telegram, "Ana", "Ben")
    action = await an_action(bot, here=[ana, ben])
    await bot.skip(timedelta(hours=1))  # under way
    card = await card_of(owner, action)
    await owner.press("🛟 Safety check now", message=card)
    assert (await owner.callback_answer())["text"] == "Asked 2 people: are you safe?"
    updated = await owner.edit(of=card)
    assert "0 safe · 0 need help · 2 no answer" in shown(updated)
    assert ASK in shown(await ana.reply())
    assert ASK in shown(await ben.reply())
    # Pressed again (a second organiser's card): said, nothing sent.
    await owner.press_data(RunSafetyCheck(action.id, "ask").encode(), card)
    assert "asked already" in (await owner.callback_answer())["text"]
    await bot.skip(PAST_THE_END - timedelta(hours=1))  # the end: nobody asked twice
    await ana.no_reply(within=1.0)
    assert len(received(ben, ASK)) == 1


async def test_a_member_cannot_run_the_safety_check_nor_answer_one_not_asked_of_them(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    ana, ben = await people(telegram, "Ana", "Ben")
    action = await an_action(bot, here=[ana], going=[ben])
    await bot.skip(timedelta(hours=1))
    before = bot.snapshot()
    await ana.press_data(RunSafetyCheck(action.id, "ask").encode(), await card_of(ana, action))
    assert "not for you" in (await ana.callback_answer())["text"]
    await ana.no_reply()
    # Forged answers: before any check, and from someone who never checked in.
    await ana.press_data(SafetyReply(action.id, Safety.SAFE).encode())
    assert "not been asked" in (await ana.callback_answer())["text"]
    await bot.skip(PAST_THE_END - timedelta(hours=1))
    await ana.reply()
    await ben.press_data(SafetyReply(action.id, Safety.HELP).encode(), await card_of(ben, action))
    assert "Only people who checked in" in (await ben.callback_answer())["text"]
    await ben.no_reply()
    assert bot.rows("SELECT user_id, safety FROM checkins") == [(ana.id, None)]
    assert before["checkins"] == bot.snapshot()["checkins"]


async def test_an_action_cancelled_while_under_way_still_asks_those_who_were_there(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    """The police dispersed it and an organiser cancelled it: whoever checked in is asked all
    the same, and can still say they need help; the thank-you and its report are not."""
    await started(owner)
    [ana] = await people(telegram, "Ana")
    action = await an_action(bot, here=[ana])
    await bot.skip(timedelta(hours=1))  # under way
    await bot.services.store.cancel_action(action.id, OWNER_ID, bot.clock())
    await bot.skip(PAST_THE_END - timedelta(hours=1))
    await eventually(lambda: bool(received(ana, ASK)), "the safety check, after all")
    [check] = received(ana, ASK)
    await ana.press(HELP, message=check)
    assert "cancelled" not in (await ana.callback_answer()).get("text", "")
    assert bot.rows("SELECT safety FROM checkins") == [("help",)]
    await ana.press_data(ReportOn(action.id).encode(), check)
    assert "cancelled" in (await ana.callback_answer())["text"]
    assert bot.rows("SELECT COUNT(*) FROM reports") == [(0,)]


async def test_the_safety_check_cannot_be_run_before_the_start(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    """Asked by the early arrivals' count, it would settle the check for everyone after."""
    await started(owner)
    [ana] = await people(telegram, "Ana")
    action = await an_action(bot, here=[ana])  # checked in; it starts in half an hour
    card = await card_of(owner, action)
    assert "1 here" in shown(card)
    assert "🛟 Safety check now" not in labels(card)
    await owner.press_data(RunSafetyCheck(action.id, "ask").encode(), card)
    assert "once the action has begun" in (await owner.callback_answer())["text"]
    await ana.no_reply()
    assert bot.rows("SELECT safety_round FROM actions") == [(0,)]


async def test_the_safety_check_due_while_down_comes_once_across_restarts(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    async with running(settings, clock, telegram) as bot:
        ana, ben = await people(telegram, "Ana", "Ben")
        await an_action(bot, here=[ana, ben])
    clock.advance(PHOTOS)  # the end and the thank-you's time pass while nothing runs
    async with running(settings, clock, telegram) as bot:
        await eventually(
            lambda: all(received(p, ASK) and received(p, THANKS) for p in (ana, ben)),
            "the safety check and the thank-you after the restart",
            timeout=10,
        )
    async with running(settings, clock, telegram) as bot:
        await bot.wake_planner()
        await asyncio.sleep(1.0)  # a second copy would come now
    for person in (ana, ben):
        assert len(received(person, ASK)) == 1
        assert len(received(person, THANKS)) == 1


async def test_the_thank_you_comes_once_to_those_here_and_opens_a_report_about_the_action(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    ana, ben = await people(telegram, "Ana", "Ben")
    action = await an_action(bot, here=[ana], going=[ben])
    await bot.skip(PAST_THE_END)
    await ana.reply()  # are you safe?
    await bot.skip(PHOTOS - PAST_THE_END - timedelta(seconds=5))
    await ana.no_reply()
    await bot.skip(timedelta(seconds=5))
    thanks = await ana.reply()
    assert "Thank you for being at River Picket!" in shown(thanks)
    assert labels(thanks) == ["📷 Send photos and videos"]
    await ben.no_reply()  # going, but not here: someone was

    await ana.press("📷 Send photos and videos")
    await ana.callback_answer()
    assert "Send /done when you have finished" in shown(await ana.reply())
    await ana.send_photo()
    await ana.reply()
    await ana.send("/done")
    summary = await ana.reply()
    assert "River Picket" in shown(summary)
    await ana.press("Submit")
    await ana.reply()
    assert bot.rows("SELECT action_id, status FROM reports") == [(action.id, "pending")]
    assert bot.rows("SELECT COUNT(*) FROM report_media") == [(1,)]
    await bot.skip(timedelta(hours=1))
    await asyncio.sleep(0.5)
    assert len(received(ana, THANKS)) == 1


async def test_when_nobody_checked_in_everyone_going_is_thanked(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    ana, ben, cleo = await people(telegram, "Ana", "Ben", "Cleo")
    action = await an_action(bot, here=[], going=[ana, ben])
    await bot.services.store.answer_rsvp(action.id, cleo.id, Answer.MAYBE, bot.clock())
    await bot.skip(PHOTOS)
    assert THANKS in shown(await ana.reply())
    assert THANKS in shown(await ben.reply())
    await cleo.no_reply()
    assert not received(ana, ASK)  # nobody checked in: nobody asked "are you safe?"


async def test_a_report_in_progress_about_another_action_is_not_moved(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    [ana] = await people(telegram, "Ana")
    first = await an_action(bot, here=[ana], title="Morning March")
    await an_action(bot, here=[ana])
    await bot.skip(PHOTOS)
    await eventually(lambda: len(received(ana, THANKS)) == 2, "two thank-yous", timeout=10)
    morning = next(m for m in received(ana, THANKS) if "Morning March" in shown(m))
    river = next(m for m in received(ana, THANKS) if "River Picket" in shown(m))
    await ana.press("📷 Send photos and videos", message=morning)
    await ana.callback_answer()
    await ana.send("We were forty")
    await ana.press("📷 Send photos and videos", message=river)
    assert "another action" in (await ana.callback_answer())["text"]
    assert bot.rows("SELECT action_id, text FROM reports") == [(first.id, "We were forty")]


async def test_a_host_runs_the_check_of_their_own_action_and_no_other(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    hana, ana = await people(telegram, "Hana", "Ana")
    theirs = await an_action(bot, here=[ana], host_id=hana.id)
    other = await an_action(bot, here=[ana], title="Morning March")
    await bot.skip(timedelta(hours=1))
    await hana.press_data(RunSafetyCheck(other.id, "ask").encode(), await card_of(hana, theirs))
    assert "not for you" in (await hana.callback_answer())["text"]
    await ana.no_reply()
    card = await card_of(hana, theirs)
    await hana.press("🛟 Safety check now", message=card)
    assert (await hana.callback_answer())["text"] == "Asked 1 person: are you safe?"
    assert "River Picket" in shown(await ana.reply())
    await ana.no_reply()
    assert bot.rows("SELECT id, safety_round FROM actions ORDER BY id") == [
        (theirs.id, 1),
        (other.id, 0),
    ]
    [(actor, target)] = bot.rows(
        "SELECT actor_id, target_id FROM audit_log WHERE action = 'action:safety-check'"
    )
    assert (actor, target) == (hana.id, theirs.id)


async def test_the_organisers_open_card_follows_the_check_and_a_cancellation(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    """The card an organiser keeps open on the day shows the check once it went out by
    itself, and that the action was cancelled (a refresh queued before would not)."""
    await started(owner)
    [ana] = await people(telegram, "Ana")
    action = await an_action(bot, here=[ana])
    await bot.skip(timedelta(hours=1))  # under way
    card = await card_of(owner, action)
    assert "🛟 Safety check now" in labels(card)
    await cancel_action(bot.services, OWNER_ID, action.id)  # dispersed

    def now_shown() -> dict[str, Any]:
        return next(m for m in owner.inbox if m["message_id"] == card["message_id"])

    await eventually(lambda: "Cancelled" in shown(now_shown()), "the card says cancelled")
    await bot.skip(PAST_THE_END - timedelta(hours=1))
    await eventually(
        lambda: "0 safe · 0 need help · 1 no answer" in shown(now_shown()),
        "the card counts the check that went out at the end",
        timeout=10,  # at most one refresh every five seconds: this one may wait its turn
    )
    assert "🛟 Safety check now" not in labels(now_shown())
