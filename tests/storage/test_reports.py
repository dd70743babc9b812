"""Reports on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ActionFactory, ReadDb, ReportFactory, photo
from turnout.storage import Answer, Decision, DigestNumbers, ReportStatus, Store
from turnout.storage.purposes import ReviewChatNotice


async def test_a_draft_is_kept_and_reopened(store: Store, make_member: MemberFactory) -> None:
    ana = await make_member()
    draft = await store.open_draft(ana.user_id, NOW)
    assert await store.open_draft(ana.user_id, NOW) == draft
    await store.update_draft(draft.id, {"text": "We were 40", "action_chosen": 1}, NOW)
    assert await store.add_report_media(draft.id, photo(12))
    assert await store.add_report_media(draft.id, photo(10))
    assert not await store.add_report_media(draft.id, photo(10)), "a message delivered twice"
    again = await store.draft_of(ana.user_id)
    assert again is not None
    assert again.text == "We were 40"
    assert [item.message_id for item in again.media] == [10, 12]


async def test_submit_withdraw_and_rate(store: Store, make_member: MemberFactory) -> None:
    ana, ben = await make_member(), await make_member()
    draft = await store.open_draft(ana.user_id, NOW)
    assert await store.submit_report(draft.id, NOW)
    assert not await store.submit_report(draft.id, NOW)
    assert await store.reports_submitted_since(ana.user_id, NOW - timedelta(hours=1)) == 1
    [mine] = await store.reports_of(ana.user_id)
    assert mine.status is ReportStatus.PENDING
    assert not await store.withdraw_report(draft.id, ben.user_id)
    assert await store.withdraw_report(draft.id, ana.user_id)
    assert await store.reports_of(ana.user_id) == []
    # Withdrawn, it still counts for the rate: submit, withdraw, submit… is no way around it.
    assert await store.reports_submitted_since(ana.user_id, NOW - timedelta(hours=1)) == 1
    assert await store.reports_submitted_since(ben.user_id, NOW - timedelta(hours=1)) == 0


async def test_submissions_older_than_a_day_are_pruned_and_forgetting_removes_them(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    for at in (NOW, NOW + timedelta(days=2)):
        assert await store.submit_report((await store.open_draft(ana.user_id, at)).id, at)
    assert read_db("SELECT submitted_at FROM report_submissions") == [("2026-11-28 12:00:00",)]
    await store.forget_member(ana.user_id, "Member X", NOW + timedelta(days=2))
    assert read_db("SELECT COUNT(*) FROM report_submissions") == [(0,)]


async def test_the_pseudonym_key_is_made_once(store: Store) -> None:
    key = await store.pseudonym_key()
    assert len(key) == 32
    assert await store.pseudonym_key() == key


async def test_one_draft_per_member_and_a_new_one_after_submitting(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana, ben = await make_member(), await make_member()
    first = await store.open_draft(ana.user_id, NOW)
    assert first.status is ReportStatus.DRAFT
    assert (await store.open_draft(ben.user_id, NOW)).id != first.id
    await store.submit_report(first.id, NOW)
    second = await store.open_draft(ana.user_id, NOW)
    assert second.id != first.id
    assert read_db(
        "SELECT COUNT(*) FROM reports WHERE user_id = ? AND status = 'draft'", (ana.user_id,)
    ) == [(1,)]


async def test_a_draft_is_never_shown_as_a_report(store: Store, make_member: MemberFactory) -> None:
    ana = await make_member()
    draft = await store.open_draft(ana.user_id, NOW)
    assert await store.report(draft.id) is None
    assert await store.reports_of(ana.user_id) == []
    assert await store.next_pending(None) is None
    assert await store.unnoticed_reports(10) == []


async def test_only_draft_fields_of_a_draft_are_changed(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    submitted = await make_report(ana.user_id, text="As sent")
    with pytest.raises(ValueError, match="status"):
        await store.update_draft(submitted.id, {"status": "approved"}, NOW)
    await store.update_draft(submitted.id, {"text": "Changed later"}, NOW)
    assert await store.report(submitted.id) == submitted


async def test_media_go_only_into_a_draft_about_something_with_room(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    assert not await store.add_to_open_draft(ana.user_id, photo(1), max_media=2), "no draft"
    draft = await store.open_draft(ana.user_id, NOW)
    assert not await store.add_to_open_draft(ana.user_id, photo(1), max_media=2), "no action"
    await store.update_draft(draft.id, {"action_chosen": 1}, NOW)
    assert await store.add_to_open_draft(ana.user_id, photo(2, "album"), max_media=2)
    assert not await store.add_to_open_draft(ana.user_id, photo(2, "album"), max_media=2)
    assert await store.add_to_open_draft(ana.user_id, photo(1, "album"), max_media=2)
    assert not await store.add_to_open_draft(ana.user_id, photo(3), max_media=2), "full"
    again = await store.draft_of(ana.user_id)
    assert again is not None
    assert [(m.message_id, m.media_group_id) for m in again.media] == [
        (1, "album"),
        (2, "album"),
    ]


async def test_parallel_media_never_overfill_a_draft(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member()
    draft = await store.open_draft(ana.user_id, NOW)
    await store.update_draft(draft.id, {"action_chosen": 1}, NOW)
    added = await asyncio.gather(
        *(store.add_to_open_draft(ana.user_id, photo(i), max_media=3) for i in range(10))
    )
    assert added.count(True) == 3
    again = await store.draft_of(ana.user_id)
    assert again is not None
    assert len(again.media) == 3


async def test_a_discarded_draft_leaves_no_media_behind(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    kept = await make_report(ana.user_id, media=[photo(1)])
    draft = await store.open_draft(ana.user_id, NOW)
    await store.add_report_media(draft.id, photo(2))
    assert await store.discard_draft(ana.user_id)
    assert not await store.discard_draft(ana.user_id)
    assert await store.draft_of(ana.user_id) is None
    assert read_db("SELECT report_id FROM report_media") == [(kept.id,)]
    assert await store.report(kept.id) == kept


async def test_a_report_is_withdrawn_only_while_it_waits(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    decided = await make_report(ana.user_id)
    waiting = await make_report(ana.user_id, media=[photo(5)])
    await store.decide_report(decided.id, ReportStatus.APPROVED, None, 8, NOW)
    assert not await store.withdraw_report(decided.id, ana.user_id)
    assert await store.withdraw_report(waiting.id, ana.user_id)
    assert [r.id for r in await store.reports_of(ana.user_id)] == [decided.id]
    assert read_db("SELECT COUNT(*) FROM report_media") == [(0,)]


async def test_reports_of_a_member_are_newest_first(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    ids = [(await make_report(ana.user_id, at=NOW + timedelta(hours=h))).id for h in range(3)]
    await store.open_draft(ana.user_id, NOW)
    assert [r.id for r in await store.reports_of(ana.user_id)] == ids[::-1]
    assert [r.id for r in await store.reports_of(ana.user_id, limit=2)] == ids[:0:-1]
    assert await store.reports_submitted_since(ana.user_id, NOW + timedelta(minutes=30)) == 2


async def test_the_review_queue_is_oldest_first_with_skip_and_per_action(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, make_action: ActionFactory
) -> None:
    ana = await make_member()
    one, two = await make_action(), await make_action()
    a = await make_report(ana.user_id, action_id=one.id)
    b = await make_report(ana.user_id, action_id=two.id)
    c = await make_report(ana.user_id, action_id=one.id)
    await make_report(ana.user_id)  # about no action
    await store.decide_report(a.id, ReportStatus.REJECTED, "blurry", 8, NOW)
    first = await store.next_pending(None)
    assert first is not None
    assert first.id == b.id
    skipped = await store.next_pending(None, after=b.id)
    assert skipped is not None
    assert skipped.id == c.id
    of_one = await store.next_pending(one.id)
    assert of_one is not None
    assert of_one.id == c.id
    assert await store.next_pending(one.id, after=c.id) is None
    assert (await store.count_pending(None), await store.count_pending(one.id)) == (3, 1)


async def test_only_the_first_of_two_decisions_counts(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id)
    first, second = await asyncio.gather(
        store.decide_report(report.id, ReportStatus.APPROVED, None, 8, NOW),
        store.decide_report(report.id, ReportStatus.REJECTED, "spam", 9, NOW),
    )
    assert (first.decided, second.decided) == (True, False)
    assert first.report == second.report
    assert second.report is not None
    assert (second.report.status, second.report.reviewer, second.report.review_note) == (
        ReportStatus.APPROVED,
        8,
        None,
    )
    assert second.report.reviewed_at == NOW
    entries = [e for e in await store.audit_entries() if e.action.startswith("report:")]
    assert [(e.action, e.actor_id, json.loads(e.detail)) for e in entries] == [
        ("report:approved", 8, {"report": report.id, "note": False}),
    ]


async def test_a_report_can_only_be_approved_rejected_or_flagged(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id)
    for status in (ReportStatus.PENDING, ReportStatus.DRAFT):
        with pytest.raises(ValueError, match="not a decision"):
            await store.decide_report(report.id, status, None, 8, NOW)
    flagged = await store.decide_report(report.id, ReportStatus.FLAGGED, "check", 8, NOW)
    assert flagged.report is not None
    assert (flagged.report.status, flagged.report.review_note) == (ReportStatus.FLAGGED, "check")
    missing = await store.decide_report(999, ReportStatus.APPROVED, None, 8, NOW)
    assert missing == Decision(False, None)


async def test_an_approved_report_is_published_once_per_channel(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id)
    assert not await store.claim_publication(report.id, -100, 8, NOW), "not approved yet"
    await store.decide_report(report.id, ReportStatus.APPROVED, None, 8, NOW)
    claims = await asyncio.gather(
        *(store.claim_publication(report.id, -100, organiser, NOW) for organiser in (8, 9))
    )
    assert sorted(claims) == [False, True]
    assert await store.claim_publication(report.id, -200, 8, NOW), "another channel"
    await store.release_publication(report.id, -100)  # posting failed
    assert await store.claim_publication(report.id, -100, 9, NOW)
    published = [e for e in await store.audit_entries() if e.action == "report:published"]
    assert len(published) == 3


async def test_the_review_chat_is_told_of_each_report_once(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    reports = [await make_report(ana.user_id) for _ in range(3)]
    await store.open_draft(ana.user_id, NOW)
    assert [r.id for r in await store.unnoticed_reports(10)] == [r.id for r in reports]
    told = [r.id for r in await store.unnoticed_reports(2)]
    assert await store.enqueue_review_notice(told, -500, '{"text": "2 new"}', NOW) == 1
    assert [r.id for r in await store.unnoticed_reports(10)] == [reports[2].id]
    [row] = await store.deliveries_of(ReviewChatNotice(told[0], told[-1]))
    assert (row.chat_id, row.payload) == (-500, '{"text": "2 new"}')
    assert await store.enqueue_review_notice(told, -500, "{}", NOW) == 0, "never twice"


async def test_the_digest_counts_what_happened_since_the_last(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, make_action: ActionFactory
) -> None:
    since = NOW + timedelta(hours=1)
    ana = await make_member()  # registered before
    action = await make_action()
    old = await make_report(ana.user_id)
    new_one = await make_report(ana.user_id, at=since + timedelta(minutes=1))
    await make_report(ana.user_id, at=since + timedelta(minutes=2))
    await store.decide_report(old.id, ReportStatus.REJECTED, None, 8, since - timedelta(minutes=1))
    await store.decide_report(
        new_one.id, ReportStatus.APPROVED, None, 8, since + timedelta(hours=1)
    )
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, since + timedelta(minutes=5))
    await store.register_member(1, "Newcomer", "en", "UTC", since + timedelta(minutes=9))
    assert await store.digest_numbers(since) == DigestNumbers(
        new_reports=2, pending=1, reviewed=1, rsvps=1, new_members=1
    )


async def test_a_submitted_report_gets_no_more_media(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id, media=[photo(1)])
    assert not await store.add_report_media(report.id, photo(2))
    assert await store.report(report.id) == report


async def test_a_review_notice_of_no_reports_queues_nothing(store: Store) -> None:
    assert await store.enqueue_review_notice([], -500, '{"text": ""}', NOW) == 0


async def test_a_report_number_is_never_given_twice(
    store: Store, make_member: MemberFactory
) -> None:
    """An old review card for a withdrawn report #1 must not act on someone's new report."""
    ana, ben = await make_member(), await make_member()
    first = await store.open_draft(ana.user_id, NOW)
    assert await store.submit_report(first.id, NOW)
    assert await store.withdraw_report(first.id, ana.user_id)
    second = await store.open_draft(ben.user_id, NOW)
    assert second.id == first.id + 1
    assert await store.discard_draft(ben.user_id)
    assert (await store.open_draft(ben.user_id, NOW)).id == second.id + 1


async def test_a_message_handled_twice_is_appended_to_the_text_once(
    store: Store, make_member: MemberFactory
) -> None:
    """After a hard kill the update being handled may be handled again (bot/intake.py)."""
    ana = await make_member()
    draft = await store.open_draft(ana.user_id, NOW)
    assert await store.append_draft_text(draft.id, "About 300 people", 41, NOW)
    assert not await store.append_draft_text(
        draft.id, "About 300 people\n\nAbout 300 people", 41, NOW
    )
    assert await store.append_draft_text(draft.id, "About 300 people\n\nPeaceful", 42, NOW)
    stored = await store.draft_of(ana.user_id)
    assert stored is not None
    assert stored.text == "About 300 people\n\nPeaceful"
