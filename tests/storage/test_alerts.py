"""Urgent alerts in the database: who they reach, sent whole in one transaction, muted per
action, and claimed by the outbox before every copy of lower priority."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, ActionFactory, ReadDb, audited
from turnout.storage import Answer, Audience, Member, Store
from turnout.storage.purposes import URGENT, AlertCopy, CallCopy


async def _going(store: Store, action_id: int, *members: Member) -> None:
    for member in members:
        await store.answer_rsvp(action_id, member.user_id, Answer.GOING, NOW)


async def test_an_alert_to_everyone_going_reaches_the_reachable_who_did_not_mute_it(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    action = await make_action()
    ana, ben, cleo, dan, eve, fay = [await make_member(name) for name in "ABCDEF"]
    await _going(store, action.id, ana, ben, cleo, dan)
    await store.answer_rsvp(action.id, eve.user_id, Answer.MAYBE, NOW)
    await store.answer_rsvp(action.id, fay.user_id, Answer.NOT_GOING, NOW)
    await store.set_reachable(ben.user_id, False, NOW)  # blocked the bot
    assert await store.set_alerts_muted(action.id, cleo.user_id, True)
    await store.check_in(action.id, dan.user_id, NOW)

    going = await store.alert_recipients(action.id, Audience.GOING)
    # Those checked in first: they are the ones at the scene.
    assert [person.user_id for person in going] == [dan.user_id, ana.user_id]
    here = await store.alert_recipients(action.id, Audience.HERE)
    assert [person.user_id for person in here] == [dan.user_id]
    assert await store.alert_audiences(action.id) == {Audience.GOING: 2, Audience.HERE: 1}


async def test_only_those_checked_in_and_not_muted_are_here(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    action = await make_action()
    other = await make_action(title="Another picket")
    ana, ben, cleo = [await make_member(name) for name in "ABC"]
    await _going(store, action.id, ana, ben, cleo)
    await _going(store, other.id, ana)
    for member in (ana, ben):
        assert await store.check_in(action.id, member.user_id, NOW) is not None
    assert await store.set_alerts_muted(action.id, ben.user_id, True)
    # A member who checked in, then left the list, was there all the same.
    await store.answer_rsvp(action.id, ana.user_id, Answer.NOT_GOING, NOW)

    here = await store.alert_recipients(action.id, Audience.HERE)
    assert [person.user_id for person in here] == [ana.user_id]
    assert await store.alert_recipients(other.id, Audience.HERE) == []


async def test_muting_is_per_action_and_outlives_a_new_answer(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    action = await make_action()
    other = await make_action(title="Another picket")
    ana = await make_member()
    assert not await store.set_alerts_muted(action.id, ana.user_id, True), "no answer: nothing"
    await _going(store, action.id, ana)
    await _going(store, other.id, ana)
    assert await store.set_alerts_muted(action.id, ana.user_id, True)
    assert await store.alerts_muted(action.id, ana.user_id)
    assert not await store.alerts_muted(other.id, ana.user_id)
    await store.answer_rsvp(action.id, ana.user_id, Answer.MAYBE, NOW)
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    assert await store.alerts_muted(action.id, ana.user_id)
    assert await store.alert_recipients(action.id, Audience.GOING) == []
    assert await store.set_alerts_muted(action.id, ana.user_id, False)
    assert [p.user_id for p in await store.alert_recipients(action.id, Audience.GOING)] == [
        ana.user_id
    ]


async def test_an_alert_its_audit_entry_and_its_copies_are_written_together(
    store: Store, make_member: MemberFactory, make_action: ActionFactory, read_db: ReadDb
) -> None:
    action = await make_action()
    ana, ben, cleo = [await make_member(name) for name in "ABC"]
    await _going(store, action.id, ana, ben)
    messages = [(ana.user_id, '{"text": "a"}'), (ben.user_id, '{"text": "b"}')]
    # Read before the transaction: Ben mutes meanwhile, and Cleo was never going.
    await store.set_alerts_muted(action.id, ben.user_id, True)
    messages.append((cleo.user_id, '{"text": "c"}'))

    sent = await store.send_alert(
        action.id, ORGANISER, Audience.GOING, "Walk to the north gate", messages, NOW
    )
    assert sent is not None
    alert, queued = sent
    assert queued == 1
    assert (alert.action_id, alert.sent_by, alert.audience, alert.text) == (
        action.id,
        ORGANISER,
        Audience.GOING,
        "Walk to the north gate",
    )
    assert await store.alerts_of(action.id) == [alert]
    assert read_db("SELECT purpose, chat_id, payload, priority FROM deliveries") == [
        (AlertCopy(alert.id).key, ana.user_id, '{"text": "a"}', URGENT)
    ]
    assert (await audited(store))[-1] == "alert:sent"
    [entry] = [e for e in await store.audit_entries() if e.action == "alert:sent"]
    assert entry.actor_id == ORGANISER


async def test_no_alert_goes_for_an_action_cancelled_meanwhile(
    store: Store, make_member: MemberFactory, make_action: ActionFactory, read_db: ReadDb
) -> None:
    action = await make_action()
    ana = await make_member()
    await _going(store, action.id, ana)
    await store.cancel_action(action.id, ORGANISER, NOW)
    sent = await store.send_alert(
        action.id, ORGANISER, Audience.GOING, "Go home", [(ana.user_id, "{}")], NOW
    )
    assert sent is None
    assert read_db("SELECT COUNT(*) FROM alerts") == [(0,)]
    assert read_db("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'alert:%'") == [(0,)]
    assert "alert:sent" not in await audited(store)


async def test_the_outbox_claims_an_alert_before_older_copies_of_a_call(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    call = CallCopy(1, "text")
    await store.enqueue_deliveries(call, [(chat, "{}") for chat in range(1, 301)], NOW, NOW)
    action = await make_action()
    ana, ben = await make_member("Ana"), await make_member("Ben")
    await _going(store, action.id, ana, ben)
    later = NOW + timedelta(minutes=5)
    sent = await store.send_alert(
        action.id,
        ORGANISER,
        Audience.GOING,
        "Police at the bridge",
        [(ana.user_id, "{}"), (ben.user_id, "{}")],
        later,
    )
    assert sent is not None
    first = await store.claim_due_deliveries(later, limit=3)
    assert [d.purpose for d in first] == [AlertCopy(sent[0].id).key] * 2 + [call.key]
    assert [d.chat_id for d in first] == [ana.user_id, ben.user_id, 1]


async def test_alertable_actions_are_found_by_start_and_by_host(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    host = await make_member("Hana")
    soon = await make_action(title="Soon", starts_at=NOW + timedelta(hours=1))
    hosted = await make_action(
        title="Hosted", starts_at=NOW + timedelta(hours=2), host_id=host.user_id
    )
    await make_action(title="Next week", starts_at=NOW + timedelta(days=7))
    cancelled = await make_action(title="Off", starts_at=NOW + timedelta(hours=3))
    await store.cancel_action(cancelled.id, ORGANISER, NOW)

    window = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    # A cancelled one is found too: the use case keeps it once it had begun (dispersed).
    assert [a.id for a in await store.actions_starting_between(*window)] == [
        soon.id,
        hosted.id,
        cancelled.id,
    ]
    assert [a.id for a in await store.actions_starting_between(*window, host.user_id)] == [
        hosted.id
    ]


async def test_the_sender_of_an_alert_is_forgotten_with_them(
    store: Store, make_member: MemberFactory, make_action: ActionFactory, read_db: ReadDb
) -> None:
    organiser, ana = await make_member("Olga"), await make_member("Ana")
    action = await make_action()
    await _going(store, action.id, ana)
    sent = await store.send_alert(
        action.id, organiser.user_id, Audience.GOING, "Rain", [(ana.user_id, "{}")], NOW
    )
    assert sent is not None
    await store.forget_member(organiser.user_id, "pseudonym", NOW)
    assert read_db("SELECT sent_by, text FROM alerts") == [(0, "Rain")]
    await store.forget_member(ana.user_id, "pseudonym", NOW)
    assert read_db("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'alert:%'") == [(0,)]
