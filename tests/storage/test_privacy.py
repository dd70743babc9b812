"""Forgetting a member and the retention purge, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import (
    START,
    ActionFactory,
    CallFactory,
    ReadDb,
    ReportFactory,
    new_action,
    photo,
)
from turnout.storage import (
    Answer,
    DeliveryStatus,
    Forgotten,
    Member,
    NewAction,
    Purged,
    ReportStatus,
    Role,
    RsvpCounts,
    Safety,
    Store,
)
from turnout.storage.purposes import (
    CallCopy,
    PromptLapse,
    ProposalDecided,
    ProposalNotice,
    Reminder,
    RoleChange,
    SafetyHelp,
)

NAME = "Zephyrine"
PICNIC = "Picnic by the river"
PSEUDONYM = "Blue Heron"
CHANNEL = -1001


def no_plan(new: NewAction) -> list[tuple[int, datetime]]:
    return []


@dataclass
class World:
    ana: Member  # who is forgotten
    olga: Member  # an organiser
    ben: Member  # another member
    action: int  # Ana held its last seat; Ben waits


async def build(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
) -> World:
    """Ana, who has done a bit of everything: as a member, as a proposer and as staff."""
    olga = await make_member(first_name="Olga")
    ana = await make_member(first_name=NAME)
    ben = await make_member(first_name="Ben")
    await store.set_subscribed(ana.user_id, True, NOW)
    await store.set_show_name(ana.user_id, True, NOW)
    # Roles: given to her, and given by her.
    await store.grant_role(ana.user_id, Role.ORGANISER, olga.user_id, NOW)
    await store.grant_role(ben.user_id, Role.BROADCASTER, ana.user_id, NOW)
    await store.create_invite("hers", Role.ORGANISER, ana.user_id, NOW, START)
    await store.redeem_invite("hers", ben.user_id, NOW)
    await store.create_invite("for-her", Role.BROADCASTER, olga.user_id, NOW, START)
    await store.redeem_invite("for-her", ana.user_id, NOW)
    # Answers: the last seat of a full action, and a maybe.
    full = await make_action(capacity=1, by=ana.user_id)
    await store.answer_rsvp(full.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(full.id, ben.user_id, Answer.GOING, NOW + timedelta(seconds=1))
    other = await make_action()
    await store.answer_rsvp(other.id, ana.user_id, Answer.MAYBE, NOW)
    # Reports: one submitted with media, a draft with media; and one of Ben's she reviewed.
    await make_report(ana.user_id, action_id=full.id, text=f"{NAME} was there", media=[photo(1)])
    draft = await store.open_draft(ana.user_id, NOW)
    await store.update_draft(draft.id, {"text": f"{NAME}'s notes"}, NOW)
    await store.add_report_media(draft.id, photo(2))
    bens = await make_report(ben.user_id, action_id=full.id)
    await store.decide_report(bens.id, ReportStatus.APPROVED, "fine", ana.user_id, NOW)
    await store.claim_publication(bens.id, CHANNEL, ana.user_id, NOW)
    # Proposals: hers, told to the organisers (quoting her) and decided; and Ben's she trusted.
    mine = new_action(title=f"{NAME}'s picnic", host_id=ana.user_id, reminder_minutes=())
    pending = await store.submit_proposal(mine, 10, no_plan, NOW)
    mine = replace(mine, title=PICNIC)  # once published, the action is everyone's
    await store.enqueue_deliveries(
        ProposalNotice(pending.proposal.id),
        [(olga.user_id, f'{{"text": "{NAME}: picnic"}}')],
        NOW,
        NOW,
    )
    approved = await store.submit_proposal(mine, 10, no_plan, NOW)
    await store.approve_proposal(approved.proposal.id, olga.user_id, (), no_plan, NOW)
    await store.enqueue_deliveries(
        ProposalDecided(approved.proposal.id), [(ana.user_id, "{}")], NOW, NOW
    )
    bens_idea = await store.submit_proposal(
        new_action(host_id=ben.user_id, reminder_minutes=()), None, no_plan, NOW
    )
    await store.approve_proposal(bens_idea.proposal.id, ana.user_id, (), no_plan, NOW, trust=True)
    # Staff work: a channel, a call, a campaign.
    await store.link_channel(CHANNEL, "News", None, "channel", ana.user_id, NOW)
    await make_call(author=ana.user_id, targets=(CHANNEL,))
    await store.open_campaign("Fair Rent", ana.user_id, NOW)
    # Messages to her, one of them sent; and a question left open with what she was typing.
    await store.enqueue_deliveries(CallCopy(1, "text"), [(ana.user_id, "{}")], NOW, NOW)
    await store.enqueue_deliveries(Reminder(full.id, 1, 120), [(ana.user_id, "{}")], NOW, NOW)
    await store.enqueue_deliveries(RoleChange(ana.user_id, "1"), [(ana.user_id, "{}")], NOW, NOW)
    [sent] = [
        d
        for d in await store.claim_due_deliveries(NOW, 100)
        if d.purpose == "call:1:text" and d.chat_id == ana.user_id
    ]
    await store.mark_delivery_sent(sent.id, [3], NOW)
    await store.release_claimed_deliveries(NOW)
    await store.open_prompt(
        ana.user_id, ana.user_id, "propose", "title", f'{{"typed": "{NAME}"}}', NOW, START
    )
    assert await store.prompt_of(ana.user_id) is not None  # a copy is kept in memory
    return World(ana, olga, ben, full.id)


async def test_forgetting_leaves_no_row_about_the_member(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
    read_db: ReadDb,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    uid = world.ana.user_id
    await store.forget_member(uid, PSEUDONYM, NOW)

    tables = [name for (name,) in read_db("SELECT name FROM sqlite_master WHERE type = 'table'")]
    left = []
    for table in tables:
        for row in read_db(f"SELECT * FROM {table}"):
            for cell in row:
                if cell == uid or (isinstance(cell, str) and (str(uid) in cell or NAME in cell)):
                    left.append((table, row))
    assert left == []
    assert await store.member(uid) is None
    assert await store.prompt_of(uid) is None
    assert await store.roles_of(uid) == frozenset()
    assert await store.draft_of(uid) is None


async def test_the_notices_of_their_proposals_go_with_them(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
    read_db: ReadDb,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    [(proposal_id,)] = read_db(
        "SELECT id FROM proposals WHERE proposer_id = ? AND status = 'pending'",
        (world.ana.user_id,),
    )
    await store.forget_member(world.ana.user_id, PSEUDONYM, NOW)
    assert await store.deliveries_of(ProposalNotice(proposal_id)) == []
    assert await store.proposal(proposal_id) is None
    assert read_db("SELECT COUNT(*) FROM deliveries WHERE chat_id = ?", (world.olga.user_id,)) == [
        (0,)
    ]


async def test_what_was_deleted_is_counted_and_the_waitlist_moves_up(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    forgotten = await store.forget_member(world.ana.user_id, PSEUDONYM, NOW)
    assert forgotten == Forgotten(
        roles=3,  # organiser, broadcaster (by invite), host (of her approved proposal)
        answers=2,
        reports=1,  # the draft is deleted, but not counted as a report
        media=2,
        messages=4,  # a call copy (sent), a reminder, a role change, a proposal's outcome
        promoted=((world.action, (world.ben.user_id,)),),
    )
    assert await store.rsvp_of(world.action, world.ben.user_id) is Answer.GOING


async def test_a_seat_of_an_action_past_or_cancelled_moves_nobody_up(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    ana, ben = await make_member(), await make_member()
    cancelled = await make_action(capacity=1)
    started = await make_action(capacity=1)
    for action in (cancelled, started):
        await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
        await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW)
    await store.cancel_action(cancelled.id, 7, NOW)
    forgotten = await store.forget_member(ana.user_id, PSEUDONYM, START)
    assert (forgotten.answers, forgotten.promoted) == (2, ())
    assert await store.rsvp_of(started.id, ben.user_id) is Answer.WAITLISTED


async def test_staff_records_stay_without_their_id(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
    read_db: ReadDb,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    await store.forget_member(world.ana.user_id, PSEUDONYM, NOW)
    action = await store.action(world.action)
    assert action is not None
    assert action.created_by == 0, "the action she planned stays"
    [channel] = await store.channels()
    assert channel.linked_by == 0
    call = await store.call(1)
    assert call is not None
    assert call.author == 0
    assert read_db("SELECT created_by FROM campaigns") == [(0,)]
    assert read_db("SELECT token, created_by, used_by FROM invites ORDER BY token") == [
        ("for-her", world.olga.user_id, 0),
        ("hers", 0, world.ben.user_id),
    ]
    [bens] = await store.reports_of(world.ben.user_id)
    assert (bens.status, bens.reviewer, bens.review_note) == (ReportStatus.APPROVED, None, "fine")
    assert read_db("SELECT published_by FROM report_publications") == [(0,)]
    grants = {(h.user_id, h.role): h.granted_by for h in await store.role_holders()}
    assert grants[(world.ben.user_id, Role.BROADCASTER)] is None
    hosted = [a for a in (await store.all_actions()).values() if a.title == PICNIC]
    assert [a.host_id for a in hosted] == [None], "her approved proposal stays as an action"


async def test_trust_outlives_whoever_gave_it(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    await store.forget_member(world.ana.user_id, PSEUDONYM, NOW)
    again = await store.submit_proposal(
        new_action(host_id=world.ben.user_id, reminder_minutes=()), None, no_plan, NOW
    )
    assert again.decided
    assert again.action is not None


async def test_the_audit_log_keeps_only_a_pseudonym(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    before = await store.audit_entries(limit=1000)
    await store.forget_member(world.ana.user_id, PSEUDONYM, NOW)
    after = {entry.id: entry for entry in await store.audit_entries(limit=1000)}
    assert len(after) == len(before) + 1, "nothing of the log is deleted"
    uid = world.ana.user_id
    for entry in before:
        kept = after[entry.id]
        detail = json.loads(kept.detail)
        assert (kept.at, kept.action) == (entry.at, entry.action)
        if entry.actor_id == uid:
            assert (kept.actor_id, detail["actor"]) == (None, PSEUDONYM)
        if entry.target_id == uid:
            assert (kept.target_id, detail["target"]) == (None, PSEUDONYM)
        if json.loads(entry.detail).get("invited_by") == uid:
            assert detail["invited_by"] == PSEUDONYM
    grant = next(e for e in before if e.action == "role:grant" and e.target_id == uid)
    assert after[grant.id].actor_id == world.olga.user_id, "others keep their ids"
    newest = max(after.values(), key=lambda entry: entry.id)
    assert (newest.action, newest.actor_id, json.loads(newest.detail)) == (
        "member:forgotten",
        None,
        {"member": PSEUDONYM},
    )


async def test_other_members_keep_everything(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
    read_db: ReadDb,
) -> None:
    world = await build(store, make_member, make_action, make_report, make_call)
    ben = world.ben.user_id
    await store.enqueue_deliveries(CallCopy(1, "text"), [(ben, "{}")], NOW, NOW)
    member_before = await store.member(ben)
    reports_before = await store.reports_of(ben)
    await store.forget_member(world.ana.user_id, PSEUDONYM, NOW)
    assert await store.member(ben) == member_before
    assert await store.reports_of(ben) == [
        replace(report, reviewer=None) for report in reports_before
    ], "only who reviewed it is gone"
    assert await store.roles_of(ben) == {Role.BROADCASTER, Role.ORGANISER, Role.HOST}
    assert [d.chat_id for d in await store.deliveries_of(CallCopy(1, "text"))] == [ben]
    assert await store.member(world.olga.user_id) is not None


async def test_what_was_forgotten_is_not_left_in_the_file(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, db_path: Path
) -> None:
    """Deleted rows are overwritten, and the write-ahead log is emptied after a deletion."""
    ana = await make_member(first_name=NAME)
    await make_report(ana.user_id, text=f"{NAME} wrote this")
    await store.open_prompt(ana.user_id, ana.user_id, "report", "text", NAME, NOW, START)
    await store.forget_member(ana.user_id, PSEUDONYM, NOW)
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or NAME.encode() not in wal.read_bytes()
    assert NAME.encode() not in db_path.read_bytes()


async def test_the_review_chats_notice_of_their_report_goes_with_them(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, read_db: ReadDb
) -> None:
    ana = await make_member(first_name=NAME)
    await store.set_show_name(ana.user_id, True, NOW)
    report = await make_report(ana.user_id)
    await store.enqueue_review_notice(
        [report.id], -500, f'{{"text": "#{report.id} by {PSEUDONYM} ({NAME})"}}', NOW
    )
    ben = await make_member()
    other = await make_report(ben.user_id)
    await store.enqueue_review_notice([other.id], -500, '{"text": "another report"}', NOW)
    await store.forget_member(ana.user_id, PSEUDONYM, NOW)
    assert read_db("SELECT payload FROM deliveries WHERE payload LIKE ?", (f"%{NAME}%",)) == []
    assert read_db("SELECT payload FROM deliveries", ()) == [('{"text": "another report"}',)]


async def test_forgetting_someone_unknown_deletes_nothing(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    forgotten = await store.forget_member(999, PSEUDONYM, NOW)
    assert forgotten == Forgotten(0, 0, 0, 0, 0, ())
    assert await store.member(ana.user_id) == ana


# -- retention ---------------------------------------------------------------------------------

CUTOFF = NOW - timedelta(days=30)


async def test_the_purge_deletes_what_the_retention_period_no_longer_allows(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    read_db: ReadDb,
) -> None:
    ana, ben = await make_member(), await make_member()
    old = await make_action(starts_at=CUTOFF - timedelta(days=1), reminder_minutes=())
    recent = await make_action(starts_at=CUTOFF + timedelta(days=1), reminder_minutes=())
    for action in (old, recent):
        for person in (ana, ben):
            await store.answer_rsvp(action.id, person.user_id, Answer.GOING, CUTOFF - timedelta(3))
        assert await store.check_in(action.id, ana.user_id, action.starts_at) is not None
    gone = [
        await make_report(ana.user_id, action_id=old.id, media=[photo(1), photo(2)]),
        await make_report(ben.user_id, action_id=old.id, at=NOW),
        await make_report(ana.user_id, at=CUTOFF - timedelta(days=1), media=[photo(3)]),
    ]
    kept = [
        await make_report(ana.user_id, action_id=recent.id, at=CUTOFF - timedelta(days=5)),
        await make_report(ben.user_id, at=CUTOFF + timedelta(days=1)),
    ]
    old_draft = await store.open_draft(ana.user_id, CUTOFF - timedelta(days=2))
    new_draft = await store.open_draft(ben.user_id, CUTOFF + timedelta(days=2))

    purged = await store.purge_before(CUTOFF, NOW)

    assert purged == Purged(reports=4, media=3, answers=2)
    remaining = {report for (report,) in read_db("SELECT id FROM reports")}
    assert remaining == {r.id for r in kept} | {new_draft.id}
    assert not remaining & ({r.id for r in gone} | {old_draft.id})
    assert read_db("SELECT COUNT(*) FROM report_media") == [(0,)]
    assert await store.rsvp_counts(old.id) == RsvpCounts()
    assert (await store.rsvp_counts(recent.id)).going == 2
    assert read_db("SELECT action_id FROM checkins") == [(recent.id,)]
    assert await store.action(old.id) is not None, "actions stay"
    assert await store.member(ana.user_id) is not None, "members stay"
    entry = (await store.audit_entries())[0]
    assert (entry.action, json.loads(entry.detail)) == (
        "retention:purge",
        {"before": "2026-10-27 12:00:00", "reports": 4, "media": 3, "answers": 2},
    )


async def test_the_purge_deletes_messages_long_done_only(store: Store) -> None:
    purpose = PromptLapse(1)
    chats = [(chat, "{}") for chat in range(1, 6)]
    await store.enqueue_deliveries(purpose, chats, CUTOFF - timedelta(days=9), CUTOFF)
    rows = await store.claim_due_deliveries(CUTOFF - timedelta(days=5), limit=5)
    old_sent, old_failed, recent_sent, in_flight, waiting = rows
    await store.mark_delivery_sent(old_sent.id, [1], CUTOFF - timedelta(days=1))
    await store.mark_delivery_failed(old_failed.id, "Forbidden", CUTOFF - timedelta(days=1))
    await store.mark_delivery_sent(recent_sent.id, [2], CUTOFF + timedelta(days=1))
    await store.retry_delivery(waiting.id, CUTOFF, None, CUTOFF - timedelta(days=2))
    purged = await store.purge_before(CUTOFF, NOW)
    assert purged == Purged(0, 0, 0)
    left = {d.chat_id: d.status for d in await store.deliveries_of(purpose)}
    assert left == {
        recent_sent.chat_id: DeliveryStatus.SENT,
        in_flight.chat_id: DeliveryStatus.CLAIMED,
        waiting.chat_id: DeliveryStatus.PENDING,
    }
    assert await store.audit_entries() == [], "only a purge of reports or answers is audited"


async def test_the_day_of_an_action_keeps_nothing_of_them(
    store: Store,
    make_member: MemberFactory,
    make_action: ActionFactory,
    make_report: ReportFactory,
    make_call: CallFactory,
    read_db: ReadDb,
    db_path: Path,
) -> None:
    """Their check-in and safety answer, the safety team's message naming them (sent, with
    their consent), and their id on an alert they sent as an organiser all go."""
    world = await build(store, make_member, make_action, make_report, make_call)
    uid = world.ana.user_id
    starts = NOW - timedelta(hours=1)
    march = await store.create_action(new_action(starts_at=starts), world.olga.user_id, [], NOW)
    before = starts - timedelta(days=1)
    assert await store.answer_rsvp(march.id, uid, Answer.GOING, before) is not None
    assert await store.check_in(march.id, uid, NOW, confirmed=True) is not None
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE actions SET safety_round = 1 WHERE id = ?", (march.id,))
        db.execute(
            "INSERT INTO alerts (action_id, sent_by, audience, text, created_at)"
            " VALUES (?, ?, 'going', 'Walk to the north gate', '2026-01-01 00:00:00')",
            (march.id, uid),
        )
    assert await store.answer_safety(march.id, uid, Safety.HELP, NOW)
    help_text = f'<a href="tg://user?id={uid}">{NAME}</a> needs help'
    await store.enqueue_deliveries(
        SafetyHelp(march.id, uid), [(world.olga.user_id, help_text)], NOW, NOW
    )
    await store.forget_member(uid, PSEUDONYM, NOW)
    assert read_db("SELECT COUNT(*) FROM checkins WHERE user_id = ?", (uid,)) == [(0,)]
    assert read_db("SELECT sent_by FROM alerts") == [(0,)]
    assert await store.deliveries_of(SafetyHelp(march.id, uid)) == []
    assert read_db("SELECT COUNT(*) FROM deliveries WHERE payload LIKE ?", (f"%{NAME}%",)) == [(0,)]
