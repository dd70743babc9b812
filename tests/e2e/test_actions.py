"""Actions as people use them: planned by conversation, answered, full, put in a calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from tests.e2e.conftest import RunningBot, labels, shown, started, text_of
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, NewAction

LINK = re.compile(r"https://t\.me/turnout_test_bot\?start=(act_(\d+))")


async def organiser_of(bot: RunningBot, owner: FakeUser, person: FakeUser) -> FakeUser:
    await started(person)
    await owner.send(f"/grant {person.id} organiser")
    await owner.reply()
    await person.reply()
    return person


async def make_action(bot: RunningBot, **changes: object) -> Action:
    data = bot.services
    now = data.clock()
    values: dict[str, object] = {
        "title": "Tenants' Picket",
        "description": "Outside the housing office.",
        "starts_at": now + timedelta(days=3),
        "timezone": "UTC",
        "place": "Housing office",
        "latitude": None,
        "longitude": None,
        "capacity": None,
        "reminder_minutes": (),
    }
    values.update(changes)
    return await data.store.create_action(NewAction(**values), 1, [], now)  # type: ignore[arg-type]


async def test_an_organiser_plans_an_action_by_conversation(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    org = await organiser_of(bot, owner, ana)
    await org.send("/newaction")
    assert "What is the action called?" in text_of(await org.reply())
    await org.send("Clean River Rally")
    assert "In which city" in text_of(await org.reply())
    await org.press("Here, in my time zone (UTC)")
    assert "When does it start?" in text_of(await org.reply())

    await org.send("sometime soonish")
    assert "could not read" in text_of(await org.reply())
    await org.send("next friday")
    assert "include the time of day" in text_of(await org.reply())
    await org.send("yesterday 10:00")
    assert "already passed" in text_of(await org.reply())
    await org.send("tomorrow 18:00")
    confirm = await org.reply()
    assert "I read that as" in text_of(confirm)
    await org.press("Yes")
    assert "When does it end?" in text_of(await org.reply())
    await org.press("Skip: it lasts 2 hours")
    assert "Where?" in text_of(await org.reply())
    await org.send("The old bridge")
    assert "Describe the action" in text_of(await org.reply())
    await org.press("◀ Back")
    assert "Where?" in text_of(await org.reply())
    await org.send("The old bridge, north side")
    await org.reply()
    await org.send("Bring water and a friend.")
    assert "How many people" in text_of(await org.reply())
    await org.send("many")
    assert "whole number" in text_of(await org.reply())
    await org.send("150")
    assert "When should members be reminded?" in text_of(await org.reply())
    await org.press("Default (24h,2h)")
    preview = await org.reply()
    assert "Clean River Rally" in text_of(preview)
    assert "The old bridge, north side" in shown(preview)
    await org.press("Create")
    created = await org.reply()
    match = LINK.search(text_of(created))
    assert match, text_of(created)

    [(title, place, starts_at, capacity, minutes, created_by)] = bot.rows(
        "SELECT title, place, starts_at, capacity, reminder_minutes, created_by FROM actions"
    )
    tomorrow = (bot.services.clock() + timedelta(days=1)).date()
    assert (title, place, capacity, minutes, created_by) == (
        "Clean River Rally",
        "The old bridge, north side",
        150,
        "1440,120",
        ana.id,
    )
    assert starts_at == f"{tomorrow} 18:00:00"  # the organiser's zone is UTC here
    planned = bot.rows("SELECT offset_minutes, status FROM reminders ORDER BY offset_minutes")
    assert all(status == "planned" for _, status in planned)


async def test_cancel_stops_the_conversation_and_creates_nothing(
    bot: RunningBot, owner: FakeUser
) -> None:
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Clean River Rally")
    await owner.reply()
    await owner.send("/cancel")
    assert "nothing was created" in text_of(await owner.reply())
    assert bot.rows("SELECT COUNT(*) FROM actions") == [(0,)]


async def test_a_member_answers_through_the_deep_link(bot: RunningBot, ana: FakeUser) -> None:
    action = await make_action(bot)
    await ana.send(f"/start act_{action.id}")
    greeting, card = await ana.replies(2)
    assert "Hello, Ana" in text_of(greeting)
    assert "Tenants' Picket" in shown(card)
    assert labels(card)[:3] == ["Going", "Maybe", "Can't go"]

    await ana.press("Going")
    assert (await ana.callback_answer())["text"] == "Noted: going."
    edited = await ana.edit()
    assert "1 going · 0 maybe" in shown(edited)
    assert labels(edited)[0] == "✓ Going"

    await ana.press("Maybe")
    await ana.callback_answer()
    assert "0 going · 1 maybe" in shown(await ana.edit())
    assert bot.rows("SELECT user_id, answer FROM rsvps") == [(ana.id, "maybe")]


async def test_a_full_action_waitlists_and_promotes(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await make_action(bot, capacity=2)
    first, second, third = (telegram.add_user(name) for name in ("Ana", "Ben", "Cleo"))
    for person in (first, second, third):
        await person.send(f"/start act_{action.id}")
        await person.replies(2)
        await person.press("Going")
    assert "waitlist" in (await third.callback_answer())["text"]
    assert "1 on the waitlist" in shown(await third.edit())

    await first.press("Can't go")
    await first.callback_answer()
    promoted = await third.reply()
    assert "you are now going to" in shown(promoted)
    # The card as it is now comes with it: going, not on the waitlist.
    assert "Your answer: going" in shown(promoted)
    assert "✓ Going" in labels(promoted)
    answers = dict(bot.rows("SELECT user_id, answer FROM rsvps"))
    assert answers == {first.id: "not_going", second.id: "going", third.id: "going"}


async def test_add_to_calendar_sends_an_ics_with_the_utc_time(
    bot: RunningBot, ana: FakeUser
) -> None:
    starts = datetime(2031, 3, 30, 16, 30, tzinfo=UTC)
    action = await make_action(bot, starts_at=starts, reminder_minutes=(1440, 120))
    await ana.send(f"/start act_{action.id}")
    await ana.replies(2)
    await ana.press("Add to calendar")
    document = await ana.reply()
    [call] = bot.telegram.calls_to("sendDocument")
    [upload] = call.files.values()
    assert upload.filename == f"action-{action.id}.ics"
    calendar = Calendar.from_ical(upload.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == starts
    assert str(event["uid"]) == f"action-{action.id}@turnout_test_bot.t.me"
    assert str(event["location"]) == "Housing office"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=24)
    assert document.get("caption")


async def test_actions_are_listed_in_pages(bot: RunningBot, ana: FakeUser) -> None:
    now = bot.services.clock()
    for day in range(7):
        await make_action(bot, title=f"Picket {day + 1}", starts_at=now + timedelta(days=day + 1))
    await ana.send("/actions")
    first = await ana.reply()
    assert "page 1 of 2" in shown(first)
    finding = ["🌍 By place", "📍 Near me"]
    assert labels(first) == [*(f"Picket {n}" for n in range(1, 6)), "Next ▶", *finding]
    await ana.press("Next ▶")
    await ana.callback_answer()
    second = await ana.edit()
    assert labels(second) == ["Picket 6", "Picket 7", "◀ Previous", *finding]
    await ana.press("Picket 7")
    await ana.callback_answer()
    assert "Picket 7" in shown(await ana.reply())


async def test_an_organiser_cancels_and_members_are_told(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    action = await make_action(bot)
    await ana.send(f"/start act_{action.id}")
    await ana.replies(2)
    await ana.press("Going")
    await ana.callback_answer()
    await owner.send(f"/start act_{action.id}")
    await owner.replies(2)
    await owner.press("Cancel this action")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("Yes, cancel it")
    await owner.callback_answer()
    assert "Cancelled" in shown(await owner.edit())
    notice = await ana.reply(timeout=10)
    assert "is cancelled" in shown(notice)
    assert bot.rows("SELECT status FROM actions") == [("cancelled",)]


async def test_an_organiser_moves_an_action_and_one_notice_goes_out(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, clock: object
) -> None:
    from tests.e2e.conftest import Clock

    assert isinstance(clock, Clock)
    action = await make_action(bot, reminder_minutes=(120,))
    await ana.send(f"/start act_{action.id}")
    await ana.replies(2)
    await ana.press("Going")
    await ana.callback_answer()
    await owner.send(f"/start act_{action.id}")
    await owner.replies(2)

    await owner.press("Edit")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("Time (postpone)")
    await owner.callback_answer()
    assert "Send the new time" in text_of(await owner.reply())
    await owner.send("whenever")
    assert "could not read" in text_of(await owner.reply())
    await owner.send("2031-05-01 18:00")
    confirm = shown(await owner.reply())
    assert "New: " in confirm and "2031" in confirm
    assert "Everyone who answered will be told." in confirm
    await owner.press("✅ Confirm")
    assert text_of(await owner.reply()) == "Saved."
    assert "2031" in shown(await owner.reply())

    await owner.press("Edit")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("Place")
    await owner.callback_answer()
    await owner.reply()
    await owner.send("The town hall steps")
    assert "New: 📍 The town hall steps" in shown(await owner.reply())
    await owner.press("✅ Confirm")
    assert text_of(await owner.reply()) == "Saved."
    await owner.reply()

    # Both edits fall within two minutes: one notice, once the two minutes have passed.
    await ana.no_reply(within=0.5)
    clock.advance(timedelta(minutes=2, seconds=1))
    await bot.wake_planner()
    notice = shown(await ana.reply(timeout=10))
    assert "has changed" in notice
    assert "2031" in notice
    assert "The town hall steps" in notice
    await ana.no_reply(within=0.5)
    [(starts_at, revision, place)] = bot.rows("SELECT starts_at, revision, place FROM actions")
    assert (starts_at, revision, place) == ("2031-05-01 18:00:00", 2, "The town hall steps")
    # The reminder follows the new time (the action was made without any planned).
    assert bot.rows("SELECT revision, due_at, status FROM reminders ORDER BY revision") == [
        (2, "2031-05-01 16:00:00", "planned"),
    ]


async def test_raising_the_capacity_moves_the_waitlist_up(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    action = await make_action(bot, capacity=1)
    first, second = telegram.add_user("Ana"), telegram.add_user("Ben")
    for person in (first, second):
        await person.send(f"/start act_{action.id}")
        await person.replies(2)
        await person.press("Going")
        await person.callback_answer()
    await owner.send(f"/start act_{action.id}")
    await owner.replies(2)
    await owner.press("Edit")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("Capacity")
    await owner.callback_answer()
    await owner.reply()
    await owner.send("lots")
    assert "whole number" in text_of(await owner.reply())
    await owner.send("2")
    confirm = shown(await owner.reply())
    assert "Now: 1" in confirm and "New: 2" in confirm
    await owner.press("✅ Confirm")
    assert text_of(await owner.reply()) == "Saved."
    assert "you are now going" in shown(await second.reply())
    assert dict(bot.rows("SELECT user_id, answer FROM rsvps")) == {
        first.id: "going",
        second.id: "going",
    }
