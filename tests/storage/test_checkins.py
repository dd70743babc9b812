"""Check-ins on a real SQLite file: who may check in, what a second one keeps, the count, the
actions under way that /actions lists first, and the organisers' cards kept up to date."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ActionFactory, ReadDb
from turnout.storage import Answer, Attendance, Store
from turnout.storage.purposes import LiveCard, Reminder, stamp

START = NOW - timedelta(minutes=30)
END = NOW + timedelta(hours=1)


async def test_only_a_member_going_checks_in_and_a_second_time_keeps_the_first(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(starts_at=START, ends_at=END)
    ana, ben, cleo = await make_member(), await make_member(), await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, START - timedelta(days=1))
    await store.answer_rsvp(action.id, ben.user_id, Answer.MAYBE, START - timedelta(days=1))

    first = await store.check_in(action.id, ana.user_id, NOW)
    assert first is not None
    assert not first.confirmed
    assert await store.check_in(action.id, ben.user_id, NOW) is None  # maybe is not going
    assert await store.check_in(action.id, cleo.user_id, NOW) is None  # never answered

    later = NOW + timedelta(minutes=5)
    confirmed = await store.check_in(action.id, ana.user_id, later, confirmed=True)
    assert confirmed is not None
    assert confirmed.confirmed
    assert confirmed.checked_in_at == first.checked_in_at  # the first time stays
    again = await store.check_in(action.id, ana.user_id, later)
    assert again is not None
    assert again.confirmed  # a confirmation stays once given
    assert await store.attendance(action.id) == Attendance(going=1, here=1, confirmed=1)


async def test_nobody_checks_in_at_a_cancelled_action(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(starts_at=START, ends_at=END)
    ana = await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, START - timedelta(days=1))
    await store.cancel_action(action.id, 1, NOW)
    assert await store.check_in(action.id, ana.user_id, NOW) is None


async def test_the_actions_under_way_are_those_started_and_not_ended(
    store: Store, make_action: ActionFactory, db_path: Path
) -> None:
    now_on = await make_action(title="Now on", starts_at=START, ends_at=END)
    later = await make_action(title="Later", starts_at=NOW + timedelta(hours=2))
    await make_action(title="Over", starts_at=NOW - timedelta(hours=3), ends_at=NOW)
    cancelled = await make_action(title="Cancelled", starts_at=START, ends_at=END)
    await store.cancel_action(cancelled.id, 1, NOW)
    long_ago = await make_action(title="No end kept", starts_at=NOW - timedelta(minutes=90))
    with closing(sqlite3.connect(db_path)) as db, db:
        # An action from before end times: it ends the default two hours after its start.
        db.execute("UPDATE actions SET ends_at = NULL WHERE id = ?", (long_ago.id,))

    under_way = await store.actions_under_way(NOW, 10)
    assert [a.title for a in under_way] == ["No end kept", "Now on"]  # the first to end first
    assert await store.count_actions_under_way(NOW) == 2
    assert [a.title for a in await store.actions_under_way(NOW, 1, 1)] == ["Now on"]
    assert await store.count_actions_under_way(NOW + timedelta(hours=3)) == 1  # "Later"
    assert later.id not in {a.id for a in under_way}
    assert now_on.id in {a.id for a in under_way}


async def test_a_card_is_remembered_once_per_chat_and_forgotten(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action(starts_at=START, ends_at=END)
    other = await make_action(starts_at=START, ends_at=END)
    await store.remember_live_card(100, action.id, 5, NOW)
    await store.remember_live_card(100, action.id, 9, NOW)  # the latest card of that chat
    await store.remember_live_card(200, action.id, 3, NOW)
    await store.remember_live_card(200, other.id, 4, NOW)
    assert await store.live_cards(action.id) == [(100, 9), (200, 3)]
    await store.forget_live_card(100, action.id)
    assert await store.live_cards(action.id) == [(200, 3)]
    await store.forget_live_cards(action.id)
    assert await store.live_cards(action.id) == []
    assert await store.live_cards(other.id) == [(200, 4)]


async def test_a_newer_refresh_drops_the_pending_ones_of_that_action_only(
    store: Store, make_action: ActionFactory, read_db: ReadDb
) -> None:
    actions = [await make_action(starts_at=START, ends_at=END) for _ in range(12)]
    first, twelfth = actions[0], actions[11]  # "live-card:1:" must not take "live-card:12:"
    assert (first.id, twelfth.id) == (1, 12)
    payload = '{"text":"card","edit_of":5}'
    await store.enqueue_deliveries(LiveCard(1, stamp(NOW)), [(100, payload)], NOW, NOW)
    await store.enqueue_deliveries(LiveCard(12, stamp(NOW)), [(100, payload)], NOW, NOW)
    [claimed] = await store.claim_due_deliveries(NOW, 1)  # one of them is being sent
    later = NOW + timedelta(seconds=5)
    await store.enqueue_deliveries(LiveCard(1, stamp(later)), [(100, payload)], later, later)
    await store.enqueue_deliveries(LiveCard(12, stamp(later)), [(100, payload)], later, later)

    dropped = await store.drop_pending_live_cards(1)

    assert claimed.purpose == LiveCard(1, stamp(NOW)).key  # the oldest, being sent: it stays
    assert dropped == 1
    assert read_db("SELECT purpose, status FROM deliveries ORDER BY id") == [
        (LiveCard(1, stamp(NOW)).key, "claimed"),
        (LiveCard(12, stamp(NOW)).key, "pending"),
        (LiveCard(12, stamp(later)).key, "pending"),
    ]


async def test_a_reminder_message_is_told_from_a_card(
    store: Store, make_action: ActionFactory, read_db: ReadDb
) -> None:
    actions = [await make_action(starts_at=START, ends_at=END) for _ in range(12)]
    first, twelfth = actions[0], actions[11]
    reminder = Reminder(first.id, 1, 60)
    await store.enqueue_deliveries(reminder, [(100, '{"text":"soon"}')], NOW, NOW)
    [delivery] = await store.claim_due_deliveries(NOW, 1)
    await store.mark_delivery_sent(delivery.id, [41], NOW)

    assert await store.is_reminder(100, 41, first.id)
    assert not await store.is_reminder(100, 42, first.id)  # another message: a card
    assert not await store.is_reminder(200, 41, first.id)  # another chat
    assert not await store.is_reminder(100, 41, twelfth.id)  # another action's


async def test_who_is_going(
    store: Store, make_action: ActionFactory, make_member: MemberFactory
) -> None:
    action = await make_action(starts_at=NOW + timedelta(hours=2))
    ana, ben = await make_member(), await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.MAYBE, NOW)
    assert await store.going_ids(action.id) == frozenset({ana.user_id})


async def test_forgetting_a_member_takes_their_check_in_and_their_cards(
    store: Store, make_action: ActionFactory, make_member: MemberFactory, read_db: ReadDb
) -> None:
    action = await make_action(starts_at=START, ends_at=END)
    ana, ben = await make_member(), await make_member()
    for person in (ana, ben):
        await store.answer_rsvp(action.id, person.user_id, Answer.GOING, START - timedelta(days=1))
        assert await store.check_in(action.id, person.user_id, NOW) is not None
        await store.remember_live_card(person.user_id, action.id, 5, NOW)  # a host's, say

    await store.forget_member(ana.user_id, "Member 1234", NOW)

    assert read_db("SELECT user_id FROM checkins") == [(ben.user_id,)]
    assert read_db("SELECT chat_id FROM live_cards") == [(ben.user_id,)]


async def test_the_cards_of_days_over_are_forgotten(
    store: Store, make_action: ActionFactory
) -> None:
    over = await make_action(starts_at=NOW - timedelta(hours=20), ends_at=NOW - timedelta(hours=13))
    today = await make_action(starts_at=START, ends_at=END)
    await store.remember_live_card(100, over.id, 5, NOW - timedelta(hours=14))
    await store.remember_live_card(100, today.id, 6, NOW)
    assert await store.forget_past_live_cards(NOW - timedelta(hours=12)) == 1
    assert await store.live_cards(over.id) == []
    assert await store.live_cards(today.id) == [(100, 6)]
