"""The agenda on a real SQLite file: the next moment any timed work is due."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, START, ActionFactory, CallFactory
from turnout.storage import CallStatus, Store
from turnout.storage.purposes import Reminder


async def test_nothing_planned_means_nothing_due(store: Store) -> None:
    assert await store.next_planned_due() is None


async def test_a_reminder_is_on_the_agenda(store: Store, make_action: ActionFactory) -> None:
    await make_action(reminder_minutes=(120, 1440))
    assert await store.next_planned_due() == START - timedelta(days=1)


async def test_a_change_notice_is_on_the_agenda(store: Store, make_action: ActionFactory) -> None:
    action = await make_action(reminder_minutes=())
    await store.plan_notice(action.id, {"place"}, NOW + timedelta(minutes=5))
    assert await store.next_planned_due() == NOW + timedelta(minutes=5)


async def test_a_scheduled_call_is_on_the_agenda(store: Store, make_call: CallFactory) -> None:
    at = NOW + timedelta(hours=3)
    await make_call(status=CallStatus.SCHEDULED, publish_at=at)
    assert await store.next_planned_due() == at


async def test_an_open_question_is_on_the_agenda(store: Store, make_member: MemberFactory) -> None:
    ana = await make_member()
    expires = NOW + timedelta(minutes=30)
    await store.open_prompt(ana.user_id, ana.user_id, "report", "text", "{}", NOW, expires)
    assert await store.next_planned_due() == expires


async def test_the_soonest_of_everything_comes_first(
    store: Store, make_action: ActionFactory, make_call: CallFactory, make_member: MemberFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    ana = await make_member()
    await make_call(status=CallStatus.SCHEDULED, publish_at=NOW + timedelta(hours=3))
    await store.open_prompt(
        ana.user_id, ana.user_id, "report", "text", "{}", NOW, NOW + timedelta(hours=2)
    )
    await store.plan_notice(action.id, {"time"}, NOW + timedelta(hours=1))
    assert await store.next_planned_due() == NOW + timedelta(hours=1)


async def test_work_done_or_called_off_leaves_the_agenda(
    store: Store, make_action: ActionFactory, make_call: CallFactory, make_member: MemberFactory
) -> None:
    action = await make_action(reminder_minutes=(120,))
    call = await make_call(status=CallStatus.SCHEDULED, publish_at=NOW + timedelta(hours=3))
    ana = await make_member()
    prompt, _ = await store.open_prompt(
        ana.user_id, ana.user_id, "report", "text", "{}", NOW, NOW + timedelta(hours=2)
    )
    await store.plan_notice(action.id, {"time"}, NOW + timedelta(hours=1))
    [(notice_id, read, changes)] = await store.due_notices(NOW + timedelta(hours=1))

    await store.enqueue_notice(notice_id, (read, changes), [], NOW)
    assert await store.next_planned_due() == NOW + timedelta(hours=2)
    await store.close_prompt(prompt.id)
    assert await store.next_planned_due() == NOW + timedelta(hours=3)
    await store.set_call_status(
        call.id, CallStatus.DRAFT, ORGANISER, NOW, expected=CallStatus.SCHEDULED
    )
    assert await store.next_planned_due() == START - timedelta(hours=2)
    await store.enqueue_reminder(Reminder(action.id, 1, 120), [], NOW, expires_at=START)
    assert await store.next_planned_due() is None
