"""Paid broadcasts in the database: the choice kept with the call (scheduled or waiting for
approval, it goes out as chosen) and with the alert, the copies queued as payable and the
start audited in the same transaction; and the sender told once when the Stars ran out."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, ActionFactory, CallFactory, ReadDb, audited, new_call
from turnout.storage import Answer, Audience, CallStatus, Store
from turnout.storage.paid import PaidBroadcast, PaidStart
from turnout.storage.purposes import ApprovalRequest, CallCopy, PaidRanOut

CHANNEL = -1001
APPROVER = 8
START = PaidStart(ORGANISER, 2, 1, 12.5)


def paid_entries(read_db: ReadDb, action: str = "broadcast:paid") -> list[tuple[object, dict]]:  # type: ignore[type-arg]
    return [
        (actor, json.loads(detail))
        for actor, detail in read_db(
            "SELECT actor_id, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
        )
    ]


async def test_a_paid_call_queues_payable_copies_and_audits_its_start(
    store: Store, make_call: CallFactory, read_db: ReadDb
) -> None:
    copies = [("text", [(CHANNEL, "t"), (-1002, "t")])]
    call = await store.create_call(
        ORGANISER, new_call(targets=(CHANNEL, -1002), to_subscribers=False, paid=True),
        CallStatus.PUBLISHED, None, NOW, copies, paid=START,
    )  # fmt: skip
    assert call.paid and (await store.call(call.id)) == call
    assert read_db("SELECT may_pay FROM deliveries") == [(1,), (1,)]
    assert paid_entries(read_db) == [
        (ORGANISER, {"call": call.id, "copies": 2, "stars": 1, "balance": 12.5})
    ]
    free = await make_call(targets=(CHANNEL,), copies=[("text", [(CHANNEL, "t")])])
    assert not free.paid
    assert read_db(
        "SELECT may_pay FROM deliveries WHERE purpose = ?", (CallCopy(free.id, "text").key,)
    ) == [(0,)]
    assert len(paid_entries(read_db)) == 1  # a free call is not audited as paid


async def test_a_scheduled_paid_call_goes_out_paid_when_it_falls_due(
    store: Store, read_db: ReadDb
) -> None:
    new = new_call(targets=(CHANNEL,), to_subscribers=False, paid=True)
    call = await store.create_call(
        ORGANISER, new, CallStatus.SCHEDULED, NOW + timedelta(hours=1), NOW
    )
    assert (await store.call(call.id)) is not None and call.paid
    assert paid_entries(read_db) == []  # not started yet
    later = NOW + timedelta(hours=1)
    copies = [("text", [(CHANNEL, "t")])]
    assert await store.publish_scheduled_call(call.id, copies, later, paid=START)
    assert read_db("SELECT may_pay FROM deliveries WHERE purpose LIKE 'call:%'") == [(1,)]
    assert [detail["call"] for _, detail in paid_entries(read_db)] == [call.id]
    # Published once: a second run queues nothing and audits nothing.
    assert not await store.publish_scheduled_call(call.id, copies, later, paid=START)
    assert len(paid_entries(read_db)) == 1


async def test_an_approved_paid_call_goes_out_paid(store: Store, read_db: ReadDb) -> None:
    call, request = await store.create_awaiting_call(
        ORGANISER, new_call(targets=(CHANNEL,), to_subscribers=False, paid=True), None, NOW,
        lambda request, call: [(ApprovalRequest(request.id, "ask"), [(APPROVER, "ask")])],
    )  # fmt: skip
    assert (await store.call(call.id)) == call and call.paid
    copies = [("text", [(CHANNEL, "t")])]
    assert await store.approve_publication(request.id, APPROVER, copies, NOW, [], paid=START)
    assert read_db(
        "SELECT may_pay FROM deliveries WHERE purpose = ?", (CallCopy(call.id, "text").key,)
    ) == [(1,)]
    # The author pays, whoever approved.
    assert paid_entries(read_db) == [
        (ORGANISER, {"call": call.id, "copies": 2, "stars": 1, "balance": 12.5})
    ]


async def test_a_paid_alert_is_kept_paid_its_copies_payable_and_its_start_audited(
    store: Store, make_member: MemberFactory, make_action: ActionFactory, read_db: ReadDb
) -> None:
    action = await make_action()
    ana = await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    sent = await store.send_alert(
        action.id, ORGANISER, Audience.GOING, "North gate", [(ana.user_id, "{}")], NOW,
        paid=PaidStart(ORGANISER, 1, 1, None),
    )  # fmt: skip
    assert sent is not None
    alert, _ = sent
    assert alert.paid and (await store.alerts_of(action.id)) == [alert]
    assert read_db("SELECT may_pay FROM deliveries") == [(1,)]
    assert paid_entries(read_db) == [
        (ORGANISER,
         {"alert": alert.id, "action": action.id, "copies": 1, "stars": 1, "balance": None})
    ]  # fmt: skip


def _sent(db_path: Path, key: str, chats: list[int], *, paid: bool) -> None:
    """Rows of ``key`` sent, as the outbox marks them (paid or not)."""
    with closing(sqlite3.connect(db_path)) as db, db:
        db.executemany(
            """
            UPDATE deliveries SET status = 'sent', paid = :paid
            WHERE purpose = :key AND chat_id = :chat
            """,
            [{"paid": int(paid), "key": key, "chat": chat} for chat in chats],
        )


async def test_the_sender_is_told_once_when_the_stars_ran_out(
    store: Store, db_path: Path, read_db: ReadDb
) -> None:
    chats = list(range(-1010, -1000))
    copies = [("media", [(c, "m") for c in chats]), ("text", [(c, "t") for c in chats])]
    call = await store.create_call(
        ORGANISER, new_call(targets=tuple(chats), to_subscribers=False, paid=True),
        CallStatus.PUBLISHED, None, NOW, copies, paid=START,
    )  # fmt: skip
    _sent(db_path, CallCopy(call.id, "media").key, chats[:6], paid=True)
    _sent(db_path, CallCopy(call.id, "media").key, chats[6:8], paid=False)
    _sent(db_path, CallCopy(call.id, "text").key, chats[:3], paid=True)
    broadcast = await store.paid_broadcast("call", call.id)
    assert broadcast == PaidBroadcast("call", call.id, ORGANISER)

    counted: list[tuple[int, int]] = []

    def notice(paid: int, left: int) -> str:
        counted.append((paid, left))
        return json.dumps({"text": f"{paid} paid, {left} left"})

    assert await store.tell_stars_ran_out(broadcast, notice, NOW)
    assert counted == [(9, 9)]  # both parts: 6 + 3 paid; 2 + 7 still to go
    assert read_db("SELECT purpose, chat_id, payload, priority FROM deliveries"
                   " WHERE purpose LIKE 'paid-ran-out:%'") == [
        (PaidRanOut("call", call.id).key, ORGANISER, '{"text": "9 paid, 9 left"}', 1)
    ]  # fmt: skip
    assert paid_entries(read_db, "broadcast:paid_ran_out") == [
        (None, {"call": call.id, "paid": 9, "left": 9})
    ]
    # The sender is the entry's target, which /forgetme rewrites (not a detail it would miss).
    assert read_db("SELECT target_id FROM audit_log WHERE action = 'broadcast:paid_ran_out'") == [
        (ORGANISER,)
    ]
    # Reported again (a restart, a second running out): nobody told twice, nothing audited.
    assert not await store.tell_stars_ran_out(broadcast, notice, NOW)
    assert len(paid_entries(read_db, "broadcast:paid_ran_out")) == 1
    assert (await audited(store)).count("broadcast:paid_ran_out") == 1


async def test_only_a_paid_broadcast_is_one(
    store: Store, make_call: CallFactory, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    free = await make_call()
    assert await store.paid_broadcast("call", free.id) is None
    assert await store.paid_broadcast("call", free.id + 100) is None
    action = await make_action()
    ana = await make_member()
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    sent = await store.send_alert(
        action.id, ORGANISER, Audience.GOING, "x", [(ana.user_id, "{}")], NOW,
        paid=PaidStart(ORGANISER, 1, 1, 3.0),
    )  # fmt: skip
    assert sent is not None
    assert await store.paid_broadcast("alert", sent[0].id) == PaidBroadcast(
        "alert", sent[0].id, ORGANISER, action.id
    )
    free_alert = await store.send_alert(
        action.id, ORGANISER, Audience.GOING, "y", [(ana.user_id, "{}")], NOW
    )
    assert free_alert is not None
    assert await store.paid_broadcast("alert", free_alert[0].id) is None
