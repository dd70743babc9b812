"""After an action's end, on a real SQLite file: the safety check in two rounds, its answers,
the thank-you asking for photos, and when the planner must wake for them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, ActionFactory, ReadDb, audited
from turnout.storage import Action, Answer, Member, Recipient, Safety, SafetyCounts, Store
from turnout.storage.purposes import URGENT, PhotoAsk, SafetyCheck

LATEST = timedelta(hours=12)
AFTER = timedelta(minutes=30)
#: The actions here started an hour ago and end an hour from now.
START = NOW - timedelta(hours=1)
END = NOW + timedelta(hours=1)
#: When people answered.
BEFORE = START - timedelta(hours=2)


async def an_action(make_action: ActionFactory, **changes: object) -> Action:
    values: dict[str, object] = {"starts_at": START, "ends_at": END, "reminder_minutes": ()}
    return await make_action(**(values | changes))


async def going(store: Store, action: Action, *people: Member, here: bool = False) -> None:
    for person in people:
        await store.answer_rsvp(action.id, person.user_id, Answer.GOING, BEFORE)
        if here:
            assert await store.check_in(action.id, person.user_id, START) is not None


def ids(people: Sequence[Recipient]) -> list[int]:
    return [person.user_id for person in people]


def payloads(read_db: ReadDb, purpose: str) -> list[tuple[int, str]]:
    return read_db(
        "SELECT chat_id, payload FROM deliveries WHERE purpose = ? ORDER BY chat_id", (purpose,)
    )


# -- the safety check -----------------------------------------------------------------------


async def test_the_safety_check_is_due_at_the_end_with_someone_checked_in(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    ana = await make_member()
    await going(store, action, ana, here=True)
    assert await store.due_safety_checks(END - timedelta(seconds=1), LATEST) == []
    [due] = await store.due_safety_checks(END, LATEST)
    assert due.id == action.id
    assert due.safety_round == 0


async def test_an_action_nobody_checked_in_at_is_settled_without_asking(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    await going(store, action, await make_member())  # going, never checked in
    assert await store.due_safety_checks(END, LATEST) == []
    settled = await store.action(action.id)
    assert settled is not None
    assert settled.safety_round == 2


async def test_a_safety_check_found_too_late_is_settled_without_asking(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    await going(store, action, await make_member(), here=True)
    assert await store.due_safety_checks(END + LATEST, LATEST) == []
    settled = await store.action(action.id)
    assert settled is not None
    assert settled.safety_round == 2
    # Found a moment sooner, it would have been asked.
    other = await an_action(make_action)
    await going(store, other, await make_member(), here=True)
    assert [
        a.id for a in await store.due_safety_checks(END + LATEST - timedelta(seconds=1), LATEST)
    ] == [other.id]


async def test_a_cancelled_action_asks_those_there_if_they_are_safe_but_thanks_nobody(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    """Cancelled on the day (the police dispersed it): whoever checked in was there."""
    action = await an_action(make_action)
    await going(store, action, await make_member(), here=True)
    await store.cancel_action(action.id, ORGANISER, NOW)
    assert [due.id for due in await store.due_safety_checks(END, LATEST)] == [action.id]
    assert await store.due_photo_asks(END + AFTER, AFTER, LATEST) == []


async def test_a_round_queues_its_messages_once_and_is_audited(
    store: Store, make_action: ActionFactory, make_member: MemberFactory, read_db: ReadDb
) -> None:
    action = await an_action(make_action)
    ana, ben = await make_member(), await make_member(first_name="Ben")
    await going(store, action, ana, ben, here=True)
    messages = [(ana.user_id, '{"text": "a"}'), (ben.user_id, '{"text": "b"}')]

    assert await store.start_safety_round(action.id, 1, messages, END, actor_id=ORGANISER) == 2
    # Repeated after a crash, or pressed by a second organiser: nothing more.
    assert await store.start_safety_round(action.id, 1, messages, END) is None
    key = SafetyCheck(action.id, action.revision, 1).key
    assert [chat for chat, _ in payloads(read_db, key)] == [ana.user_id, ben.user_id]
    assert read_db("SELECT DISTINCT priority FROM deliveries") == [(SafetyCheck.priority,)]
    read = await store.action(action.id)
    assert read is not None
    assert read.safety_round == 1
    assert (await audited(store))[-1] == "action:safety-check"
    [entry] = [e for e in await store.audit_entries() if e.action == "action:safety-check"]
    assert (entry.actor_id, entry.target_id) == (ORGANISER, action.id)
    assert json.loads(entry.detail) == {"round": 1, "asked": 2}


async def test_the_second_round_comes_only_after_the_first_and_once(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    ana = await make_member()
    await going(store, action, ana, here=True)
    message = [(ana.user_id, '{"text": "again"}')]
    assert await store.start_safety_round(action.id, 2, message, END) is None
    assert await store.start_safety_round(action.id, 1, message, END) == 1
    assert await store.start_safety_round(action.id, 2, message, END) == 1
    assert await store.start_safety_round(action.id, 2, message, END) is None
    read = await store.action(action.id)
    assert read is not None
    assert read.safety_round == 2


async def test_the_first_round_asks_everyone_here_the_second_those_without_an_answer(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    ana, ben, cleo, dan = [await make_member(first_name=n) for n in ("Ana", "Ben", "Cleo", "Dan")]
    await going(store, action, ana, ben, cleo, here=True)
    await going(store, action, dan)  # going, not here
    await store.set_reachable(cleo.user_id, False, NOW)  # blocked the bot
    assert ids(await store.safety_recipients(action.id, 1)) == [ana.user_id, ben.user_id]
    await store.start_safety_round(action.id, 1, [], END)
    assert await store.answer_safety(action.id, ana.user_id, Safety.SAFE, END)
    assert ids(await store.safety_recipients(action.id, 2)) == [ben.user_id]


async def test_only_someone_checked_in_answers_after_the_check_was_asked_and_the_latest_counts(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    ana, ben, cleo = [await make_member(first_name=n) for n in ("Ana", "Ben", "Cleo")]
    await going(store, action, ana, ben, here=True)
    await going(store, action, cleo)
    # Not asked yet (forged data): nothing recorded.
    assert not await store.answer_safety(action.id, ana.user_id, Safety.HELP, NOW)
    await store.start_safety_round(action.id, 1, [], END)
    assert not await store.answer_safety(action.id, cleo.user_id, Safety.SAFE, END)
    assert await store.answer_safety(action.id, ana.user_id, Safety.HELP, END)
    assert await store.safety_counts(action.id) == SafetyCounts(safe=0, help=1, no_answer=1)
    assert await store.answer_safety(action.id, ana.user_id, Safety.SAFE, END)
    assert await store.safety_counts(action.id) == SafetyCounts(safe=1, help=0, no_answer=1)
    await store.cancel_action(action.id, ORGANISER, END)
    # Cancelled meanwhile (dispersed): those who were there still answer.
    assert await store.answer_safety(action.id, ben.user_id, Safety.SAFE, END)


# -- the thank-you asking for photos --------------------------------------------------------


async def test_the_thank_you_is_due_a_while_after_the_end(
    store: Store, make_action: ActionFactory
) -> None:
    action = await an_action(make_action)
    assert await store.due_photo_asks(END + AFTER - timedelta(seconds=1), AFTER, LATEST) == []
    assert [a.id for a in await store.due_photo_asks(END + AFTER, AFTER, LATEST)] == [action.id]


async def test_a_thank_you_found_too_late_is_settled_without_sending(
    store: Store, make_action: ActionFactory
) -> None:
    action = await an_action(make_action)
    assert await store.due_photo_asks(END + AFTER + LATEST, AFTER, LATEST) == []
    read = await store.action(action.id)
    assert read is not None
    assert read.photos_asked


async def test_the_thank_you_goes_to_those_checked_in_or_else_to_everyone_going(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    ana, ben, cleo = [await make_member(first_name=n) for n in ("Ana", "Ben", "Cleo")]
    nobody_here = await an_action(make_action)
    await going(store, nobody_here, ana, ben)
    await store.answer_rsvp(nobody_here.id, cleo.user_id, Answer.MAYBE, BEFORE)
    some_here = await an_action(make_action)
    await going(store, some_here, ana)
    await going(store, some_here, ben, here=True)
    assert ids(await store.photo_recipients(nobody_here.id)) == [ana.user_id, ben.user_id]
    assert ids(await store.photo_recipients(some_here.id)) == [ben.user_id]


async def test_the_thank_you_is_queued_once_per_person(
    store: Store, make_action: ActionFactory, make_member: MemberFactory, read_db: ReadDb
) -> None:
    action = await an_action(make_action)
    ana = await make_member()
    message = [(ana.user_id, '{"text": "thanks"}')]
    assert await store.queue_photo_ask(action.id, message, END + AFTER) == 1
    assert await store.queue_photo_ask(action.id, message, END + AFTER) is None
    assert len(payloads(read_db, PhotoAsk(action.id, action.revision).key)) == 1
    assert await store.due_photo_asks(END + AFTER, AFTER, LATEST) == []
    assert PhotoAsk.priority < URGENT


# -- the agenda -----------------------------------------------------------------------------


async def test_the_planner_wakes_at_the_end_and_for_the_thank_you(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    assert await store.next_planned_due(AFTER) is None  # nobody going: nobody to ask
    ana = await make_member()
    await going(store, action, ana)
    assert await store.next_planned_due(AFTER) == END + AFTER  # going: thanked
    assert await store.check_in(action.id, ana.user_id, NOW) is not None
    assert await store.next_planned_due(AFTER) == END  # here: asked at the end
    assert await store.next_planned_due(timedelta(minutes=5)) == END
    await store.start_safety_round(action.id, 1, [], END)
    assert await store.next_planned_due(timedelta(minutes=5)) == END + timedelta(minutes=5)
    await store.queue_photo_ask(action.id, [], END + AFTER)
    assert await store.next_planned_due(AFTER) is None


async def test_an_action_cancelled_with_people_there_still_wakes_the_planner_at_its_end(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await an_action(make_action)
    ana = await make_member()
    await going(store, action, ana, here=True)
    await store.cancel_action(action.id, ORGANISER, NOW)
    for notice, cancelled, changes in await store.due_notices(NOW):  # the cancellation told
        await store.enqueue_notice(notice, (cancelled, changes), [], NOW)
    assert await store.next_planned_due(AFTER) == END  # asked; not thanked


async def test_an_action_without_an_end_stored_ends_after_the_default_duration(
    store: Store, make_action: ActionFactory, make_member: MemberFactory, read_db: ReadDb
) -> None:
    action = await an_action(make_action)
    ana = await make_member()
    await going(store, action, ana, here=True)
    # As an action stored before end times were: the end is two hours after the start.
    await store._execute("UPDATE actions SET ends_at = NULL", {})
    assert read_db("SELECT ends_at FROM actions") == [(None,)]
    assert await store.next_planned_due(AFTER) == START + timedelta(hours=2)
    assert [a.id for a in await store.due_safety_checks(START + timedelta(hours=2), LATEST)] == [
        action.id
    ]
