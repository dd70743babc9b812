"""Reports on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from turnout.storage import ReportMedia, ReportStatus, Store


def photo(message_id: int, group: str | None = None) -> ReportMedia:
    return ReportMedia("photo", f"file{message_id}", f"u{message_id}", 1000, "image/jpeg",
                       800, 600, None, None, group, message_id)  # fmt: skip


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


async def test_the_pseudonym_key_is_made_once(store: Store) -> None:
    key = await store.pseudonym_key()
    assert len(key) == 32
    assert await store.pseudonym_key() == key
