"""The day of many actions in counts at once (``Store.day_numbers``), on a real SQLite file: the
same numbers as one action's ``attendance`` and ``safety_counts``, with the reports about it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, START, ActionFactory, ReportFactory
from turnout.storage import Answer, Attendance, SafetyCounts, Store
from turnout.storage.records import Attendees, DayNumbers


def answer_safety(db_path: Path, action_id: int, answers: dict[int, str]) -> None:
    """The safety check asked and answered, as the safety check's own queries would leave it
    (written straight to the file: this slice only reads them)."""
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE actions SET safety_round = 1 WHERE id = ?", (action_id,))
        for user_id, answer in answers.items():
            db.execute(
                "UPDATE checkins SET safety = ? WHERE action_id = ? AND user_id = ?",
                (answer, action_id, user_id),
            )


async def test_each_action_counts_going_here_confirmed_answers_and_reports(
    store: Store,
    db_path: Path,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
) -> None:
    people = [await make_member() for _ in range(5)]
    rally, picket, empty = await make_action(), await make_action(), await make_action()
    for person in people[:4]:
        await store.answer_rsvp(rally.id, person.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(rally.id, people[4].user_id, Answer.MAYBE, NOW)
    await store.answer_rsvp(picket.id, people[0].user_id, Answer.GOING, NOW)
    await store.answer_rsvp(picket.id, people[1].user_id, Answer.GOING, NOW)
    for person, confirmed in ((people[0], True), (people[1], False), (people[2], True)):
        assert await store.check_in(rally.id, person.user_id, START, confirmed=confirmed)
    # A member who is only "maybe" cannot check in.
    assert await store.check_in(rally.id, people[4].user_id, START) is None
    answer_safety(db_path, rally.id, {people[0].user_id: "safe", people[1].user_id: "help"})
    for person in people[:2]:
        await make_report(person.user_id, action_id=rally.id)
    await make_report(people[0].user_id, action_id=picket.id)
    await make_report(people[1].user_id)  # about no action
    await store.open_draft(people[2].user_id, NOW)  # a draft is no report yet

    numbers = await store.day_numbers()

    assert list(numbers) == [rally.id, picket.id, empty.id]
    assert numbers[rally.id] == DayNumbers(
        Attendance(going=4, here=3, confirmed=2),
        SafetyCounts(safe=1, help=1, no_answer=1),
        reports=2,
        counted_reports=2,
        attendees=3,
        per=Attendees.HERE,
        safety_checks=1,
    )
    # Nobody checked in at the picket: reports per those going; no safety check asked.
    assert numbers[picket.id] == DayNumbers(
        Attendance(going=2), None, 1, counted_reports=1, attendees=2, per=Attendees.GOING
    )
    assert numbers[empty.id] == DayNumbers(Attendance(), None, 0, 0, 0, None)
    assert numbers[empty.id].reports_per_attendee is None
    # The same numbers as one action's own queries.
    for action in (rally, picket, empty):
        assert numbers[action.id].attendance == await store.attendance(action.id)
    assert numbers[rally.id].safety == await store.safety_counts(rally.id)


async def test_one_who_checked_in_then_left_the_list_still_counts_as_here(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    ana = await make_member()
    action = await make_action()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.check_in(action.id, ana.user_id, NOW)
    await store.answer_rsvp(action.id, ana.user_id, Answer.NOT_GOING, NOW)

    [numbers] = (await store.day_numbers(action_id=action.id)).values()

    assert numbers.attendance == Attendance(going=0, here=1) == await store.attendance(action.id)
    assert numbers.per is Attendees.HERE


async def test_one_action_one_campaign_or_the_actions_held_by_a_moment(
    store: Store, make_action: ActionFactory
) -> None:
    housing, _ = await store.open_campaign("Housing", ORGANISER, NOW)
    early = await make_action(campaign_id=housing.id)
    late = await make_action(starts_at=START + timedelta(days=3), campaign_id=housing.id)
    called_off = await make_action()
    await store.cancel_action(called_off.id, ORGANISER, NOW)

    assert list(await store.day_numbers(action_id=late.id)) == [late.id]
    assert list(await store.day_numbers(campaign_id=housing.id)) == [early.id, late.id]
    # Held: begun by then, and not cancelled.
    assert list(await store.day_numbers(held_by=START)) == [early.id]
    assert list(await store.day_numbers(held_by=START - timedelta(seconds=1))) == []
    assert list(await store.day_numbers(held_by=START + timedelta(days=9))) == [early.id, late.id]
    assert await store.day_numbers(action_id=999) == {}
