"""Answers to actions on a real SQLite file: seats, the waitlist, and who is told."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, START, ActionFactory
from turnout.storage import Answer, Recipient, RsvpChange, RsvpCounts, Store


async def test_seats_are_never_oversold(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=3)
    people = [await make_member() for _ in range(10)]
    changes = await asyncio.gather(
        *(store.answer_rsvp(action.id, p.user_id, Answer.GOING, NOW) for p in people)
    )
    given = [c.answer for c in changes if c is not None]
    assert (given.count(Answer.GOING), given.count(Answer.WAITLISTED)) == (3, 7)
    assert await store.rsvp_counts(action.id) == RsvpCounts(going=3, waitlisted=7)


async def test_seats_freed_at_once_are_never_oversold(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    """Several people leave at the same moment while others ask for their seats."""
    action = await make_action(capacity=3)
    going = [await make_member() for _ in range(3)]
    waiting = [await make_member() for _ in range(3)]
    late = [await make_member() for _ in range(4)]
    for person in going + waiting:
        await store.answer_rsvp(action.id, person.user_id, Answer.GOING, NOW)
    later = NOW + timedelta(seconds=1)
    await asyncio.gather(
        *(store.answer_rsvp(action.id, p.user_id, Answer.NOT_GOING, later) for p in going),
        *(store.answer_rsvp(action.id, p.user_id, Answer.GOING, later) for p in late),
    )
    counts = await store.rsvp_counts(action.id)
    assert (counts.going, counts.not_going, counts.going + counts.waitlisted) == (3, 3, 7)
    assert [await store.rsvp_of(action.id, p.user_id) for p in waiting] == [Answer.GOING] * 3


async def test_the_longest_waiting_member_moves_up(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    ana, ben, cleo = [await make_member() for _ in range(3)]
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW + timedelta(seconds=1))
    await store.answer_rsvp(action.id, cleo.user_id, Answer.GOING, NOW + timedelta(seconds=2))
    change = await store.answer_rsvp(
        action.id, ana.user_id, Answer.MAYBE, NOW + timedelta(seconds=3)
    )
    assert change == RsvpChange(Answer.MAYBE, (ben.user_id,))
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.GOING
    assert await store.rsvp_of(action.id, cleo.user_id) is Answer.WAITLISTED


async def test_asking_again_keeps_ones_place_in_the_waitlist(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    ana, ben, cleo = [await make_member() for _ in range(3)]
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, cleo.user_id, Answer.GOING, NOW + timedelta(seconds=1))
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW + timedelta(seconds=2))
    again = await store.answer_rsvp(
        action.id, cleo.user_id, Answer.GOING, NOW + timedelta(seconds=3)
    )
    assert again == RsvpChange(Answer.WAITLISTED, ())
    freed = await store.answer_rsvp(
        action.id, ana.user_id, Answer.NOT_GOING, NOW + timedelta(seconds=4)
    )
    assert freed == RsvpChange(Answer.NOT_GOING, (cleo.user_id,))


async def test_leaving_the_waitlist_frees_no_seat(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    ana, ben, cleo = [await make_member() for _ in range(3)]
    for second, person in enumerate((ana, ben, cleo)):
        await store.answer_rsvp(
            action.id, person.user_id, Answer.GOING, NOW + timedelta(seconds=second)
        )
    change = await store.answer_rsvp(action.id, ben.user_id, Answer.MAYBE, NOW)
    assert change == RsvpChange(Answer.MAYBE, ())
    assert await store.rsvp_counts(action.id) == RsvpCounts(going=1, maybe=1, waitlisted=1)


async def test_the_same_answer_twice_changes_nothing(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action()
    ana = await make_member()
    assert await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW) == RsvpChange(
        Answer.GOING, ()
    )
    assert await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW) == RsvpChange(
        Answer.GOING, ()
    )
    assert await store.rsvp_counts(action.id) == RsvpCounts(going=1)
    await store.answer_rsvp(action.id, ana.user_id, Answer.NOT_GOING, NOW)
    assert await store.rsvp_of(action.id, ana.user_id) is Answer.NOT_GOING
    assert await store.rsvp_counts(action.id) == RsvpCounts(not_going=1)


async def test_a_cancelled_action_takes_no_answers(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    """Checked in the store itself: a handler's earlier look may be a moment out of date."""
    action = await make_action(capacity=1)
    ana, ben = await make_member(), await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW)
    assert await store.cancel_action(action.id, ORGANISER, NOW) is not None
    assert await store.answer_rsvp(action.id, ana.user_id, Answer.NOT_GOING, NOW) is None
    assert await store.rsvp_of(action.id, ana.user_id) is Answer.GOING
    assert await store.rsvp_of(action.id, ben.user_id) is Answer.WAITLISTED, "nobody moved up"


async def test_an_action_that_has_started_takes_no_answers(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action()
    ana = await make_member()
    assert await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, START) is None
    assert await store.rsvp_of(action.id, ana.user_id) is None
    assert await store.answer_rsvp(99, ana.user_id, Answer.GOING, NOW) is None, "unknown action"


async def test_a_change_concerns_everyone_who_may_come(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=1)
    ana = await make_member(language="fr", timezone="Europe/Paris")
    ben, cleo, dan, eve = [await make_member() for _ in range(4)]
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.MAYBE, NOW + timedelta(seconds=1))
    await store.answer_rsvp(action.id, cleo.user_id, Answer.GOING, NOW + timedelta(seconds=2))
    await store.answer_rsvp(action.id, dan.user_id, Answer.NOT_GOING, NOW)
    await store.answer_rsvp(action.id, eve.user_id, Answer.MAYBE, NOW)
    await store.set_reachable(eve.user_id, False, NOW)
    assert await store.rsvp_recipients(action.id) == [
        Recipient(ana.user_id, "fr", "Europe/Paris"),
        Recipient(ben.user_id, "en", "UTC"),
        Recipient(cleo.user_id, "en", "UTC"),
    ]


async def test_a_reminder_goes_to_those_coming_who_want_it(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(capacity=3)
    every, day_only, none, waiting, maybe = [await make_member() for _ in range(5)]
    await store.set_reminder_minutes(day_only.user_id, (1440,), NOW)
    await store.set_reminder_minutes(none.user_id, (), NOW)
    for second, person in enumerate((every, day_only, none, waiting)):
        await store.answer_rsvp(
            action.id, person.user_id, Answer.GOING, NOW + timedelta(seconds=second)
        )
    await store.answer_rsvp(action.id, maybe.user_id, Answer.MAYBE, NOW + timedelta(seconds=9))
    assert [r.user_id for r in await store.reminder_recipients(action.id, 1440)] == [
        every.user_id,
        day_only.user_id,
        maybe.user_id,
    ]
    assert [r.user_id for r in await store.reminder_recipients(action.id, 120)] == [
        every.user_id,
        maybe.user_id,
    ]


async def test_answers_are_counted_per_action(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    first, second = await make_action(), await make_action()
    ana = await make_member()
    await store.answer_rsvp(first.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(second.id, ana.user_id, Answer.MAYBE, NOW)
    assert await store.rsvp_counts(first.id) == RsvpCounts(going=1)
    assert await store.rsvp_counts(second.id) == RsvpCounts(maybe=1)
    assert await store.rsvp_counts(99) == RsvpCounts()
