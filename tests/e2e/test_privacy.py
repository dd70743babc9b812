"""``/forgetme``: after it, no row anywhere holds the member's id."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import (
    Clock,
    RunningBot,
    connect,
    eventually,
    labels,
    running,
    started,
    text_of,
)
from tests.e2e.test_review import submit
from turnout.config import Settings
from turnout.delivery import Payload
from turnout.pseudonym import pseudonym
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Answer, NewAction, Role
from turnout.storage.purposes import CallCopy


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 20}


def rows_holding(bot: RunningBot, user_id: int) -> list[str]:
    """Every (table, column) with a value equal to, or text containing, the user id."""
    found = []
    with closing(connect(bot.settings.database)) as db, db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                where = f"{column} = ? OR instr(CAST({column} AS TEXT), ?) > 0"
                query = f"SELECT COUNT(*) FROM {table} WHERE {where}"
                hits = db.execute(query, (user_id, str(user_id))).fetchone()[0]
                if hits:
                    found.append(f"{table}.{column}")
    return found


async def test_forget_me_leaves_no_trace_and_moves_the_waitlist_up(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    data = bot.services
    now = data.clock()
    seats = NewAction("Picket", "", now + timedelta(days=1), "UTC", "Square", None, None, 1, ())
    action = await data.store.create_action(seats, owner.id, [], now)
    await started(owner)
    await started(ana)
    await started(ben)
    await data.store.answer_rsvp(action.id, ana.id, Answer.GOING, now)
    await data.store.answer_rsvp(action.id, ben.id, Answer.GOING, now)  # waitlisted
    await owner.send(f"/grant {ana.id} organiser")
    await owner.reply()
    await ana.reply()
    await submit(ana, "Other", text="Banner photo", photos=2)
    await ana.send("/report")  # a draft too
    await ana.reply()
    # As staff: an action of her own, a decision, an invite; and a message waiting for her.
    own = NewAction("Her meeting", "", now + timedelta(days=2), "UTC", "Hall", None, None, None, ())
    await data.store.create_action(own, ana.id, [], now)
    await data.store.create_invite("tok", Role.ORGANISER, ana.id, now, now + timedelta(days=1))
    await data.outbox.enqueue(
        CallCopy(1, "text"), [(ana.id, Payload("hello"))], due_at=now + timedelta(days=1)
    )
    assert rows_holding(bot, ana.id)

    await ana.send("/forgetme")
    confirm = await ana.reply()
    assert labels(confirm) == ["Delete everything", "Keep my data"]
    await ana.press("Keep my data")
    await ana.callback_answer()
    assert text_of(await ana.edit(of=confirm)) == "Nothing was deleted."
    assert rows_holding(bot, ana.id)

    await ana.send("/forgetme")
    confirm = await ana.reply()
    await ana.press("Delete everything", message=confirm)
    await ana.callback_answer()
    done = text_of(await ana.edit(of=confirm))
    assert (
        "Deleted: your profile, 1 role, 1 answer to an action, 1 report, "
        "2 records of photos and videos, and "
    ) in done
    assert rows_holding(bot, ana.id) == []
    assert bot.rows("SELECT answer FROM rsvps WHERE user_id = :u", u=ben.id) == [("going",)]
    assert "a place freed up" in text_of(await ben.reply(timeout=10))
    forgotten = bot.rows("SELECT detail FROM audit_log WHERE action = 'member:forgotten'")
    assert len(forgotten) == 1 and "Forgotten " in forgotten[0][0]
    # Not her pseudonym: organisers saw it next to her first name, and it would link that
    # name to everything the audit log says she did.
    mark = pseudonym(await data.store.pseudonym_key(), ana.id).removeprefix("Member ")
    assert mark not in str(bot.rows("SELECT detail FROM audit_log"))
    assert mark not in done
    # The others' records stand: the action she planned is still there.
    assert bot.rows("SELECT title, created_by FROM actions WHERE title = 'Her meeting'") == [
        ("Her meeting", 0)
    ]

    await ana.send("/forgetme")
    assert "I keep nothing about you" in text_of(await ana.reply())


async def test_retention_purges_old_reports_and_answers_only(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    ana: FakeUser,
) -> None:
    settings = make_settings(retention_days=2, report_rate=20)
    async with running(settings, clock, telegram) as bot:
        data = bot.services
        now = data.clock()
        soon = NewAction(
            "Soon", "", now + timedelta(hours=1), "UTC", "Square", None, None, None, ()
        )
        later = NewAction(
            "Later", "", now + timedelta(days=10), "UTC", "Park", None, None, None, ()
        )
        old = await data.store.create_action(soon, 1, [], now)
        kept = await data.store.create_action(later, 1, [], now)
        await started(ana)
        await data.store.answer_rsvp(old.id, ana.id, Answer.GOING, now)
        await data.store.answer_rsvp(kept.id, ana.id, Answer.GOING, now)
        await submit(ana, "Soon", text="Old news", photos=1)
        await submit(ana, "Other", text="Old other")
        await data.outbox.enqueue(CallCopy(2, "text"), [(ana.id, Payload("Reminder of old"))])
        await ana.reply(timeout=10)
        await eventually(
            lambda: (
                bot.rows("SELECT status FROM deliveries WHERE purpose = 'call:2:text'")
                == [("sent",)]
            ),
            "the old message sent",
        )
        clock.advance(timedelta(days=3))  # "Soon" started three days ago
        await submit(ana, "Other", text="Fresh")
        assert bot.application.job_queue is not None
        [job, *_] = bot.application.job_queue.get_jobs_by_name("retention")
        await job.run(bot.application)
        assert bot.rows("SELECT text FROM reports ORDER BY id") == [("Fresh",)]
        assert bot.rows("SELECT COUNT(*) FROM report_media") == [(0,)]
        assert bot.rows("SELECT action_id FROM rsvps") == [(kept.id,)]
        assert bot.rows("SELECT action FROM audit_log WHERE action = 'retention:purge'") == [
            ("retention:purge",)
        ]
        assert bot.rows("SELECT COUNT(*) FROM members") == [(1,)]  # members stay
        assert bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose = 'call:2:text'") == [(0,)]


async def test_after_forget_me_old_buttons_and_commands_ask_for_start_and_sign_up_nobody(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    data = bot.services
    now = data.clock()
    picket = NewAction("Picket", "", now + timedelta(days=1), "UTC", "Square", None, None, 1, ())
    await data.store.create_action(picket, owner.id, [], now)
    greeting = await started(ana)
    await ana.send("/actions")
    listing = await ana.reply()
    await ana.press("Picket", message=listing)
    await ana.callback_answer()
    card = await ana.reply()
    assert "Going" in labels(card)
    await ana.send("/forgetme")
    confirm = await ana.reply()
    await ana.press("Delete everything", message=confirm)
    await ana.callback_answer()
    await ana.edit(of=confirm)

    send_start = "Send /start to begin."
    await ana.press("Going", message=card)
    assert send_start in (await ana.callback_answer())["text"]
    await ana.press("Subscribe to new calls", message=greeting)
    assert send_start in (await ana.callback_answer())["text"]
    for command in ("/report", "/settings", "/propose", "/subscribe"):
        await ana.send(command)
        assert send_start in text_of(await ana.reply())
    assert bot.rows("SELECT user_id FROM members WHERE user_id = :u", u=ana.id) == []
    assert bot.rows("SELECT user_id FROM rsvps WHERE user_id = :u", u=ana.id) == []

    await started(ana)  # only /start brings her back
    await ana.press("Going", message=card)
    assert (await ana.callback_answer())["text"] == "Noted: going."
    assert bot.rows("SELECT answer FROM rsvps WHERE user_id = :u", u=ana.id) == [("going",)]
