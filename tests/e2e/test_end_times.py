"""When an action ends (README, "Action day"): asked right after its start in /newaction and
/propose, shown as a span on the card and the previews, written as DTEND in the calendar file,
changed by Edit, kept as long after a new start as before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from tests.e2e.conftest import (
    OWNER_ID,
    Clock,
    RunningBot,
    labels,
    running,
    shown,
    started,
    text_of,
)
from tests.e2e.test_actions import make_action
from tests.e2e.test_local_actions import NEXT_YEAR, SKIP_END, forms_are_no_flood, propose
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser

ASK_END = "When does it end?"
REFUSAL = "Sorry, that is not for you: your role does not allow it."
#: A start well ahead, at 18:00 UTC (the owner's zone in these tests).
START = datetime(NEXT_YEAR, 3, 10, 18, 0, tzinfo=UTC)


def db_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


async def until_the_end(owner: FakeUser, when: str = f"{NEXT_YEAR}-03-10 18:00") -> None:
    """/newaction answered up to its end: the question asking when it ends was just read."""
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Night vigil")
    await owner.reply()
    await owner.press("Here, in my time zone (UTC)")
    await owner.reply()
    await owner.send(when)
    assert "I read that as" in text_of(await owner.reply())
    await owner.press("Yes")
    question = await owner.reply()
    assert ASK_END in text_of(question)
    assert SKIP_END in labels(question)


async def after_the_end(owner: FakeUser) -> dict[str, Any]:
    """The place, description, capacity and reminders of /newaction; its preview."""
    await owner.send("The old bridge")
    await owner.reply()
    await owner.press("Skip")
    await owner.reply()
    await owner.press("No limit")
    await owner.reply()
    await owner.press("No reminders")
    return await owner.reply()


async def calendar_end(person: FakeUser, bot: RunningBot, action_id: int) -> datetime:
    """The DTEND of the action's calendar file, as "Add to calendar" sends it."""
    await person.send(f"/start act_{action_id}")
    card = await person.reply()
    await person.press("Add to calendar", message=card)
    await person.reply()
    call = bot.telegram.calls_to("sendDocument")[-1]
    [upload] = call.files.values()
    [event] = Calendar.from_ical(upload.content).walk("VEVENT")
    end: datetime = event.decoded("dtend")
    return end


async def test_an_end_time_is_read_refused_when_it_cannot_be_and_shown_as_a_span(
    bot: RunningBot, owner: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(owner)
    await until_the_end(owner)

    # Before the start, and longer than a week: said why, and the question stays open.
    await owner.send(f"{NEXT_YEAR}-03-10 17:00")
    assert "It has to end after it starts" in text_of(await owner.reply())
    await owner.send("9d")
    assert "at most 7 days" in text_of(await owner.reply())
    await owner.send("whenever")
    assert "I could not read that as an end" in text_of(await owner.reply())
    assert bot.rows("SELECT flow, step FROM prompts") == [("newaction", "end")]

    # A clock time earlier than the start is the next morning: a vigil through the night.
    await owner.send("02:00")
    read = shown(await owner.reply())
    assert "It runs " in read and "6:00\u202fPM UTC \u2013 " in read, read
    assert "Mar 11, " in read and "2:00\u202fAM UTC" in read, read
    assert "Where?" in text_of(await owner.reply())
    preview = await after_the_end(owner)
    assert "6:00\u202fPM UTC \u2013 " in shown(preview)
    assert "✏️ End" in labels(preview)

    # The preview changes the end, and comes back.
    await owner.press("✏️ End", message=preview)
    assert ASK_END in text_of(await owner.reply())
    await owner.send("1h30")
    assert "6:00\u202fPM \u2013 7:30\u202fPM UTC" in shown(await owner.reply())
    preview = await owner.reply()
    assert "6:00\u202fPM \u2013 7:30\u202fPM UTC" in shown(preview)
    await owner.press("Create", message=preview)
    assert "start=act_" in text_of(await owner.reply())

    [(action_id, starts_at, ends_at)] = bot.rows("SELECT id, starts_at, ends_at FROM actions")
    assert (starts_at, ends_at) == (db_time(START), db_time(START + timedelta(minutes=90)))
    assert await calendar_end(owner, bot, action_id) == START + timedelta(minutes=90)
    card = shown(owner.inbox[-2])
    assert "Mar 10, " in card and "6:00\u202fPM \u2013 7:30\u202fPM UTC" in card, card


async def test_a_duration_counts_from_the_start_and_skip_is_two_hours(
    bot: RunningBot, owner: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(owner)
    await until_the_end(owner)
    await owner.send("3 hours")
    assert "6:00\u202fPM \u2013 9:00\u202fPM UTC" in shown(await owner.reply())
    await owner.reply()
    await owner.press("Create", message=await after_the_end(owner))
    await owner.reply()

    await until_the_end(owner, f"{NEXT_YEAR}-03-12 18:00")
    await owner.send("/skip")  # as the button
    assert "Where?" in text_of(await owner.reply())
    preview = await after_the_end(owner)
    assert "6:00\u202fPM \u2013 8:00\u202fPM UTC" in shown(preview)
    await owner.press("Create", message=preview)
    await owner.reply()

    assert bot.rows("SELECT starts_at, ends_at FROM actions ORDER BY id") == [
        (db_time(START), db_time(START + timedelta(hours=3))),
        (db_time(START + timedelta(days=2)), db_time(START + timedelta(days=2, hours=2))),
    ]
    assert await calendar_end(owner, bot, 2) == START + timedelta(days=2, hours=2)


async def test_back_from_the_end_asks_the_start_again(bot: RunningBot, owner: FakeUser) -> None:
    await started(owner)
    await until_the_end(owner)
    await owner.send("/back")
    assert "When does it start?" in text_of(await owner.reply())
    await owner.send(f"{NEXT_YEAR}-03-10 20:00")
    await owner.reply()
    await owner.press("Yes")
    assert ASK_END in text_of(await owner.reply())
    await owner.press(SKIP_END)
    assert "Where?" in text_of(await owner.reply())
    await owner.press("◀ Back")
    assert ASK_END in text_of(await owner.reply()), "Back from the place is the end"


async def test_a_restart_keeps_the_end_question_and_the_end_given(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    owner = telegram.add_user("Olga", user_id=OWNER_ID)
    async with running(settings, clock, telegram):
        await until_the_end(owner)
    async with running(settings, clock, telegram):
        await owner.send("4h")
        assert "6:00\u202fPM \u2013 10:00\u202fPM UTC" in shown(await owner.reply())
        assert "Where?" in text_of(await owner.reply())
    async with running(settings, clock, telegram) as bot:
        preview = await after_the_end(owner)
        assert "6:00\u202fPM \u2013 10:00\u202fPM UTC" in shown(preview)
        await owner.press("Create", message=preview)
        await owner.reply()
        assert bot.rows("SELECT ends_at FROM actions") == [(db_time(START + timedelta(hours=4)),)]


async def edit_end(owner: FakeUser, action_id: int, field: str = "End") -> dict[str, Any]:
    """Edit → ``field`` on the action's card: the question asking for the new value."""
    await owner.send(f"/start act_{action_id}")
    card = await owner.reply()
    await owner.press("Edit", message=card)
    menu = await owner.reply()
    assert "End" in labels(menu)
    await owner.press(field, message=menu)
    return await owner.reply()


async def test_edit_changes_the_end_and_a_new_start_keeps_the_duration(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    action = await make_action(bot, starts_at=START)
    await started(owner)
    await started(ana)
    await ana.send(f"/start act_{action.id}")
    await ana.reply()
    await ana.press("Going")
    await ana.callback_answer()

    question = await edit_end(owner, action.id)
    assert "how long it lasts from the start" in text_of(question)
    await owner.send("8d")
    assert "at most 7 days" in text_of(await owner.reply())
    await owner.send("23:00")
    confirm = shown(await owner.reply())
    assert "Now: " in confirm and "6:00\u202fPM \u2013 8:00\u202fPM UTC" in confirm
    assert "New: " in confirm and "6:00\u202fPM \u2013 11:00\u202fPM UTC" in confirm
    assert "will be told" not in confirm
    await owner.press("✅ Confirm")
    assert text_of(await owner.reply()) == "Saved."
    assert "6:00\u202fPM \u2013 11:00\u202fPM UTC" in shown(await owner.reply())
    assert bot.rows("SELECT ends_at FROM actions") == [(db_time(START + timedelta(hours=5)),)]
    assert bot.rows("SELECT COUNT(*) FROM action_notices") == [(0,)], "nobody is told of it"

    # A new start: the end moves with it, five hours later still.
    await edit_end(owner, action.id, "Time (postpone)")
    await owner.send(f"{NEXT_YEAR}-03-11 10:00")
    confirm = shown(await owner.reply())
    assert "New: " in confirm and "Mar 11, " in confirm
    assert "10:00\u202fAM \u2013 3:00\u202fPM UTC" in confirm
    await owner.press("✅ Confirm")
    await owner.reply()
    assert "10:00\u202fAM \u2013 3:00\u202fPM UTC" in shown(await owner.reply())
    moved = START + timedelta(hours=16)
    assert bot.rows("SELECT starts_at, ends_at FROM actions") == [
        (db_time(moved), db_time(moved + timedelta(hours=5)))
    ]
    assert await calendar_end(ana, bot, action.id) == moved + timedelta(hours=5)


async def test_an_end_is_not_changed_by_a_member_or_into_the_past(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    now = bot.services.clock()
    action = await make_action(bot, starts_at=now + timedelta(hours=1))
    await started(ana)
    await ana.send(f"/start act_{action.id}")
    card = await ana.reply()
    await ana.press_data(f"orf:{action.id}:end", card)
    assert (await ana.callback_answer())["text"] == REFUSAL
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]

    # Under way, an end already past is refused; a later one is taken.
    bot.clock.advance(timedelta(hours=2))
    await started(owner)
    await edit_end(owner, action.id)
    await owner.send("30m")
    assert "already passed" in text_of(await owner.reply())
    await owner.send("4h")
    await owner.reply()
    await owner.press("✅ Confirm")
    assert text_of(await owner.reply()) == "Saved."
    assert bot.rows("SELECT ends_at FROM actions") == [
        (db_time(action.starts_at + timedelta(hours=4)),)
    ]


async def test_a_proposal_keeps_its_end_through_edit_and_approval(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(owner)
    await started(ana)
    # Lisbon in June is UTC+1: "21:00" there is 20:00 UTC.
    sent = await propose(ana, end="21:00")
    assert "Sent!" in text_of(sent)
    assert bot.rows("SELECT ends_at FROM proposals") == [(f"{NEXT_YEAR}-06-07 20:00:00",)]

    notice = await owner.reply()
    assert "6:00\u202fPM \u2013 9:00\u202fPM WEST" in shown(notice)
    await owner.press("✏️ Edit", message=notice)
    await owner.callback_answer()
    fields = await owner.reply()
    assert "End" in labels(fields)
    await owner.press("End", message=fields)
    await owner.callback_answer()
    await owner.reply()
    await owner.send("2027-01-01 10:00")
    assert "It has to end after it starts" in text_of(await owner.reply())
    await owner.send("4h")
    assert text_of(await owner.reply()) == "Saved."
    edited = await owner.reply()
    assert "6:00\u202fPM \u2013 10:00\u202fPM WEST" in shown(edited)

    await owner.press("✅ Approve", message=edited)
    await owner.callback_answer()
    assert "Approved and published." in shown(await owner.edit())
    assert bot.rows("SELECT starts_at, ends_at FROM actions") == [
        (f"{NEXT_YEAR}-06-07 17:00:00", f"{NEXT_YEAR}-06-07 21:00:00")
    ]
    await ana.reply()
    await ana.send("/start act_1")
    assert "6:00\u202fPM \u2013 10:00\u202fPM WEST" in shown(await ana.reply())


async def test_a_proposer_changes_the_end_from_the_preview(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    forms_are_no_flood(bot)
    await started(ana)
    await ana.send("/propose")
    for answer in ("Picket for clean air", "Lisboa"):
        await ana.reply()
        await ana.send(answer)
    await ana.press("Lisbon, Portugal", message=await ana.reply())
    await ana.reply()
    await ana.send(f"{NEXT_YEAR}-06-07 18:00")
    await ana.reply()
    await ana.press("Yes")
    assert ASK_END in text_of(await ana.reply())
    await ana.send("90m")
    assert "6:00\u202fPM \u2013 7:30\u202fPM WEST" in shown(await ana.reply())
    assert "meet" in text_of(await ana.reply())
    await ana.send("Praça do Comércio")
    await ana.reply()
    await ana.press("Skip")
    await ana.reply()
    await ana.press("I don't know yet")
    preview = await ana.reply()
    assert "6:00\u202fPM \u2013 7:30\u202fPM WEST" in shown(preview)

    await ana.press("✏️ End", message=preview)
    assert ASK_END in text_of(await ana.reply())
    await ana.send("until 23:30")
    await ana.reply()
    preview = await ana.reply()  # straight back to the preview
    assert "6:00\u202fPM \u2013 11:30\u202fPM WEST" in shown(preview)
    # A new start keeps the duration: five hours and a half.
    await ana.press("✏️ Time", message=preview)
    await ana.reply()
    await ana.send(f"{NEXT_YEAR}-06-07 17:00")
    await ana.reply()
    await ana.press("Yes")
    preview = await ana.reply()
    assert "5:00\u202fPM \u2013 10:30\u202fPM WEST" in shown(preview)
    await ana.press("Send the proposal", message=preview)
    assert "Sent!" in text_of(await ana.reply())
    assert bot.rows("SELECT starts_at, ends_at FROM proposals") == [
        (f"{NEXT_YEAR}-06-07 16:00:00", f"{NEXT_YEAR}-06-07 21:30:00")
    ]
