"""When actions and proposals end, on a real SQLite file: stored when created, kept as long
after a new start as before, changed alone, carried from a proposal to its action, and the
retention period counted from the end (README, "Action day")."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import (
    ORGANISER,
    START,
    ActionFactory,
    ReadDb,
    ReportFactory,
    new_action,
    plan_for,
    planner,
)
from turnout.storage import (
    DEFAULT_DURATION,
    Answer,
    Attendance,
    Member,
    NewAction,
    Purged,
    Store,
)

LATER = START + timedelta(days=1)


def plan(new: NewAction) -> list[tuple[int, datetime]]:
    return plan_for(new.starts_at, new.reminder_minutes)


def proposed(proposer: Member, **changes: object) -> NewAction:
    return new_action(host_id=proposer.user_id, reminder_minutes=(), **changes)


# -- actions --------------------------------------------------------------------------------


async def test_an_action_keeps_its_end_and_has_the_default_without_one(
    make_action: ActionFactory, read_db: ReadDb
) -> None:
    vigil = await make_action(ends_at=START + timedelta(hours=8))
    picket = await make_action()
    assert (vigil.ends_at, vigil.end) == (START + timedelta(hours=8),) * 2
    assert picket.end == START + DEFAULT_DURATION
    assert read_db("SELECT id, ends_at FROM actions ORDER BY id") == [
        (vigil.id, "2026-11-28 20:00:00"),
        (picket.id, "2026-11-28 14:00:00"),
    ], "the default is written, not left empty"


async def test_a_new_start_keeps_the_duration(store: Store, make_action: ActionFactory) -> None:
    action = await make_action(ends_at=START + timedelta(hours=3, minutes=30))
    moved = await store.reschedule_action(action.id, planner, ORGANISER, NOW, starts_at=LATER)
    assert moved is not None
    assert (moved.starts_at, moved.end) == (LATER, LATER + timedelta(hours=3, minutes=30))
    assert await store.action(action.id) == moved
    earlier = START - timedelta(hours=5)
    moved = await store.reschedule_action(action.id, planner, ORGANISER, NOW, starts_at=earlier)
    assert moved is not None
    assert moved.end - moved.starts_at == timedelta(hours=3, minutes=30)


async def test_a_new_end_alone_keeps_the_start_and_tells_nobody(
    store: Store, make_action: ActionFactory, read_db: ReadDb
) -> None:
    action = await make_action(reminder_minutes=(120,))
    ends = START + timedelta(hours=5)
    changed = await store.reschedule_action(action.id, planner, ORGANISER, NOW, ends_at=ends)
    assert changed is not None
    assert (changed.starts_at, changed.end) == (START, ends)
    assert changed.revision == 2, "a calendar imports the change (its SEQUENCE)"
    assert changed.reminder_minutes == (120,)
    assert [due for _, _, due, status in await store.reminders_of(action.id) if status == "planned"]
    assert read_db("SELECT COUNT(*) FROM action_notices") == [(0,)]
    [entry] = [e for e in await store.audit_entries() if e.action == "action:move"]
    assert '"ends_at": "2026-11-28 17:00:00"' in entry.detail


async def test_an_end_not_after_the_start_changes_nothing(
    store: Store, make_action: ActionFactory
) -> None:
    action = await make_action()
    for ends in (START, START - timedelta(minutes=1)):
        assert (
            await store.reschedule_action(action.id, planner, ORGANISER, NOW, ends_at=ends) is None
        )
    # Both at once are weighed together: the new start against the new end.
    assert (
        await store.reschedule_action(
            action.id, planner, ORGANISER, NOW, starts_at=LATER, ends_at=LATER - timedelta(hours=1)
        )
        is None
    )
    assert await store.action(action.id) == action
    both = await store.reschedule_action(
        action.id, planner, ORGANISER, NOW, starts_at=LATER, ends_at=LATER + timedelta(hours=1)
    )
    assert both is not None
    assert (both.starts_at, both.end) == (LATER, LATER + timedelta(hours=1))


async def test_an_action_without_an_end_moves_with_the_default(
    store: Store, make_action: ActionFactory, db_path: Path
) -> None:
    action = await make_action()
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE actions SET ends_at = NULL WHERE id = ?", (action.id,))
    moved = await store.reschedule_action(action.id, planner, ORGANISER, NOW, starts_at=LATER)
    assert moved is not None
    assert moved.ends_at == LATER + DEFAULT_DURATION


# -- proposals ------------------------------------------------------------------------------


async def test_a_proposal_keeps_its_end_and_gives_it_to_its_action(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    ends = START + timedelta(hours=6)
    proposal = (await store.submit_proposal(proposed(ana, ends_at=ends), 10, plan, NOW)).proposal
    assert proposal.end == ends
    assert await store.proposal(proposal.id) == proposal
    outcome = await store.approve_proposal(proposal.id, ORGANISER, (), plan, NOW)
    assert outcome is not None
    assert outcome.action is not None
    assert outcome.action.end == ends


async def test_a_trusted_proposal_is_published_with_its_end(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    await store.submit_proposal(proposed(ana), 10, plan, NOW)
    await store.approve_proposal(1, ORGANISER, (), plan, NOW, trust=True)
    ends = START + timedelta(minutes=45)
    outcome = await store.submit_proposal(proposed(ana, ends_at=ends), 10, plan, NOW)
    assert outcome.action is not None
    assert (outcome.proposal.end, outcome.action.end) == (ends, ends)


async def test_a_proposal_corrected_keeps_its_duration_or_gets_a_new_end(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    ends = START + timedelta(hours=4)
    proposal = (await store.submit_proposal(proposed(ana, ends_at=ends), 10, plan, NOW)).proposal
    moved = await store.edit_proposal(proposal.id, {"starts_at": LATER}, ORGANISER, NOW)
    assert moved is not None
    assert (moved.starts_at, moved.end) == (LATER, LATER + timedelta(hours=4))
    shorter = await store.edit_proposal(
        proposal.id, {"ends_at": LATER + timedelta(hours=1)}, ORGANISER, NOW
    )
    assert shorter is not None
    assert (shorter.starts_at, shorter.end) == (LATER, LATER + timedelta(hours=1))
    assert await store.edit_proposal(proposal.id, {"ends_at": LATER}, ORGANISER, NOW) is None
    assert await store.proposal(proposal.id) == shorter
    outcome = await store.approve_proposal(proposal.id, ORGANISER, (), plan, NOW)
    assert outcome is not None
    assert outcome.action is not None
    assert outcome.action.end == LATER + timedelta(hours=1)


# -- retention ------------------------------------------------------------------------------


async def test_retention_counts_from_the_end(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
) -> None:
    cutoff = NOW - timedelta(days=30)
    ana = await make_member()
    # A week-long camp that began before the cutoff and ended after it is kept whole.
    camp = await make_action(
        starts_at=cutoff - timedelta(days=5), ends_at=cutoff + timedelta(days=1)
    )
    # A picket that started an hour before the cutoff ends an hour after it: kept too.
    picket = await make_action(starts_at=cutoff - timedelta(hours=1), reminder_minutes=())
    old = await make_action(starts_at=cutoff - timedelta(hours=3), reminder_minutes=())
    for action in (camp, picket, old):
        await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, cutoff - timedelta(days=6))
        await make_report(ana.user_id, action_id=action.id, at=cutoff)

    purged = await store.purge_before(cutoff, NOW)

    assert purged == Purged(reports=1, media=0, answers=1)
    assert (await store.rsvp_counts(camp.id)).going == 1
    assert (await store.rsvp_counts(picket.id)).going == 1
    assert (await store.rsvp_counts(old.id)).going == 0


async def test_a_move_to_another_day_starts_the_day_afresh(store: Store) -> None:
    """Check-ins, the safety check and the thank-you of the old day are not the new day's; a
    delay on the day keeps who is already there."""
    now = datetime(2027, 6, 7, 20, 0, tzinfo=UTC)
    start = now - timedelta(hours=3)
    await store.register_member(7, "Ana", "en", "UTC", start - timedelta(days=1))
    action = await store.create_action(
        new_action(starts_at=start, ends_at=start + timedelta(hours=2), reminder_minutes=()),
        1, [], start - timedelta(days=1),
    )  # fmt: skip
    await store.answer_rsvp(action.id, 7, Answer.GOING, start - timedelta(days=1))
    assert await store.check_in(action.id, 7, start) is not None
    assert await store.start_safety_round(action.id, 1, [], now) == 0
    assert await store.queue_photo_ask(action.id, [], now) == 0
    # A delay, still today: who is here stays; what was asked is asked again at the new end.
    delayed = await store.reschedule_action(
        action.id, lambda _: [], 1, now, ends_at=now + timedelta(hours=1)
    )
    assert delayed is not None
    assert (delayed.safety_round, delayed.photos_asked) == (0, False)
    assert await store.checkin_of(action.id, 7) is not None
    # Next week: nobody is there yet.
    moved = await store.reschedule_action(
        action.id, lambda _: [], 1, now, starts_at=now + timedelta(days=7)
    )
    assert moved is not None
    assert await store.checkin_of(action.id, 7) is None
    assert await store.attendance(action.id) == Attendance(going=1, here=0, confirmed=0)
