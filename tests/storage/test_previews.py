"""Previews of a report with its faces covered, kept for the organiser's choice (README,
"Faces"): what was shown comes back as it was, a cancelled one is gone, and one goes with its
report."""

from __future__ import annotations

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ReadDb, ReportFactory, photo
from turnout.storage import AsIs, PreviewItem, ReportStatus, Store

CHANNEL = -100777


async def test_a_preview_comes_back_as_it_was_kept(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id, media=[photo(1), photo(2)])
    items = [PreviewItem("photo", "covered-1", 3), PreviewItem("video", "covered-2", 0)]
    saved = await store.save_preview(report.id, CHANNEL, items, '[{"reason": "x"}]', NOW)
    number = saved.id
    kept = await store.preview(number)
    assert kept == saved  # as kept, as read back
    assert kept is not None
    assert (kept.report_id, kept.channel_id, kept.made_at) == (report.id, CHANNEL, NOW)
    assert kept.items == tuple(items) and kept.faces == 3
    assert kept.left_out == '[{"reason": "x"}]'
    assert await store.preview(number + 1) is None


async def test_a_cancelled_preview_is_gone_once(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id, media=[photo(1)])
    number = (await store.save_preview(report.id, CHANNEL, [], "[]", NOW)).id
    assert await store.drop_preview(number)
    assert not await store.drop_preview(number)
    assert await store.preview(number) is None


async def test_a_preview_goes_with_its_member_s_reports(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id, media=[photo(1)])
    await store.save_preview(report.id, CHANNEL, [PreviewItem("photo", "c", 1)], "[]", NOW)
    await store.forget_member(ana.user_id, "Member X", NOW)
    assert read_db("SELECT COUNT(*) FROM publication_previews") == [(0,)]


async def test_is_published_follows_the_claim(
    store: Store, make_member: MemberFactory, make_report: ReportFactory
) -> None:
    ana = await make_member()
    report = await make_report(ana.user_id)
    await store.decide_report(report.id, ReportStatus.APPROVED, None, 1, NOW)
    assert not await store.is_published(report.id, CHANNEL)
    assert await store.claim_publication(report.id, CHANNEL, 1, NOW, as_is=AsIs(4))
    assert await store.is_published(report.id, CHANNEL)
    await store.release_publication(report.id, CHANNEL)
    assert not await store.is_published(report.id, CHANNEL)
