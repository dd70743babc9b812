"""Exports and statistics on a real SQLite file: batches that add up to everything, once."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ORGANISER, ActionFactory, ReportFactory, photo
from turnout.storage import Answer, DayCount, Report, ReportStatus, RsvpRecord, Store

TOMORROW = NOW + timedelta(days=1)


async def every_report(
    store: Store, action_id: int | None, batch: int, campaign_id: int | None = None
) -> list[Report]:
    """Read reports batch by batch, as an export does."""
    found: list[Report] = []
    while page := await store.reports_after(
        action_id, found[-1].id if found else 0, batch, campaign_id
    ):
        assert len(page) <= batch
        found += page
    return found


async def every_rsvp(
    store: Store, action_id: int | None, batch: int, campaign_id: int | None = None
) -> list[RsvpRecord]:
    found: list[RsvpRecord] = []
    after = (0, 0)
    while page := await store.rsvps_after(action_id, after, batch, campaign_id):
        assert len(page) <= batch
        found += page
        after = (page[-1].action_id, page[-1].user_id)
    return found


async def test_every_action_is_listed_by_id(store: Store, make_action: ActionFactory) -> None:
    first = await make_action()
    second = await make_action(starts_at=NOW - timedelta(days=1))
    await store.cancel_action(first.id, ORGANISER, NOW)
    actions = await store.all_actions()
    assert list(actions) == [first.id, second.id]
    assert actions[first.id] == await store.action(first.id)


async def test_reports_come_in_batches_with_their_media_and_without_drafts(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, make_action: ActionFactory
) -> None:
    people = [await make_member() for _ in range(3)]
    action = await make_action()
    made = []
    for i in range(7):
        media = [photo(100 + i * 10 + j) for j in range(i % 3)]
        made.append(await make_report(people[i % 3].user_id, action_id=action.id, media=media))
    await store.open_draft(people[0].user_id, NOW)
    decided = made[2]
    await store.decide_report(decided.id, ReportStatus.REJECTED, "off topic", ORGANISER, NOW)
    refreshed = await store.report(decided.id)
    assert refreshed is not None
    made[2] = refreshed
    for batch in (1, 3, 7, 50):
        assert await every_report(store, None, batch) == made
    assert await store.count_media(None) == sum(len(r.media) for r in made) == 6


async def test_reports_are_exported_per_action_or_per_campaign(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, make_action: ActionFactory
) -> None:
    ana = await make_member()
    campaign, _ = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    one = await make_action(campaign_id=campaign.id)
    two = await make_action(campaign_id=campaign.id)
    other = await make_action()
    r1 = await make_report(ana.user_id, action_id=one.id, media=[photo(1)])
    r2 = await make_report(ana.user_id, action_id=two.id, media=[photo(2), photo(3)])
    await make_report(ana.user_id, action_id=other.id, media=[photo(4)])
    await make_report(ana.user_id, media=[photo(5)])  # about no action
    assert [r.id for r in await every_report(store, one.id, 1)] == [r1.id]
    assert [r.id for r in await every_report(store, None, 1, campaign.id)] == [r1.id, r2.id]
    assert [r.id for r in await every_report(store, two.id, 1, campaign.id)] == [r2.id]
    assert await store.count_media(one.id) == 1
    assert await store.count_media(None, campaign.id) == 3
    assert await store.count_media(None) == 5


async def test_answers_come_in_batches_by_action_then_member(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    people = [await make_member() for _ in range(4)]
    first, second = await make_action(), await make_action()
    for action in (second, first):
        for i, person in enumerate(reversed(people)):
            answer = (Answer.GOING, Answer.MAYBE, Answer.NOT_GOING)[i % 3]
            await store.answer_rsvp(action.id, person.user_id, answer, NOW + timedelta(minutes=i))
    everything = await every_rsvp(store, None, 50)
    assert [(r.action_id, r.user_id) for r in everything] == [
        (action.id, person.user_id) for action in (first, second) for person in people
    ]
    [ana_first] = [
        r for r in everything if (r.action_id, r.user_id) == (first.id, people[0].user_id)
    ]
    assert (ana_first.answer, ana_first.answered_at) == (Answer.GOING, NOW + timedelta(minutes=3))
    for batch in (1, 3, 5):
        assert await every_rsvp(store, None, batch) == everything
    assert await every_rsvp(store, second.id, 3) == everything[4:]


async def test_answers_are_exported_per_campaign(
    store: Store, make_member: MemberFactory, make_action: ActionFactory
) -> None:
    ana = await make_member()
    campaign, _ = await store.open_campaign("Fair Rent", ORGANISER, NOW)
    inside = await make_action(campaign_id=campaign.id)
    outside = await make_action()
    for action in (inside, outside):
        await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    assert [r.action_id for r in await every_rsvp(store, None, 1, campaign.id)] == [inside.id]


async def test_the_statistics_count_answers_reports_and_members(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, make_action: ActionFactory
) -> None:
    ana, ben, cleo = [await make_member() for _ in range(3)]
    await store.set_subscribed(ana.user_id, True, NOW)
    await store.set_subscribed(ben.user_id, True, NOW)
    await store.set_reachable(ben.user_id, False, NOW)
    one, two = await make_action(capacity=1), await make_action()
    await store.answer_rsvp(one.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(one.id, ben.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(two.id, cleo.user_id, Answer.MAYBE, NOW)
    report = await make_report(ana.user_id, action_id=one.id)
    await make_report(ben.user_id, action_id=two.id)
    await store.decide_report(report.id, ReportStatus.APPROVED, None, ORGANISER, NOW)
    await store.open_draft(cleo.user_id, NOW)

    everything = await store.stats_counts(None)
    assert everything.rsvps == {Answer.GOING: 1, Answer.WAITLISTED: 1, Answer.MAYBE: 1}
    assert everything.reports == {ReportStatus.APPROVED: 1, ReportStatus.PENDING: 1}
    assert (everything.members, everything.subscribers, everything.reachable) == (3, 1, 2)
    of_one = await store.stats_counts(one.id)
    assert of_one.rsvps == {Answer.GOING: 1, Answer.WAITLISTED: 1}
    assert of_one.reports == {ReportStatus.APPROVED: 1}
    assert of_one.members == 3, "members are counted whatever the action"


async def test_the_statistics_of_nothing_are_zero(store: Store) -> None:
    stats = await store.stats_counts(None)
    assert (stats.rsvps, stats.reports, stats.members, stats.subscribers, stats.reachable) == (
        {},
        {},
        0,
        0,
        0,
    )
    assert await store.daily_counts(None) == ([], [])


async def test_daily_counts_are_per_utc_day(
    store: Store, make_member: MemberFactory, make_report: ReportFactory, make_action: ActionFactory
) -> None:
    people = [await make_member() for _ in range(4)]
    action = await make_action(starts_at=NOW + timedelta(days=5))
    other = await make_action(starts_at=NOW + timedelta(days=5))
    late_evening = NOW.replace(hour=23, minute=59, second=59)
    await store.answer_rsvp(action.id, people[0].user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, people[1].user_id, Answer.MAYBE, late_evening)
    await store.answer_rsvp(action.id, people[2].user_id, Answer.GOING, TOMORROW)
    await store.answer_rsvp(action.id, people[3].user_id, Answer.NOT_GOING, TOMORROW)
    await store.answer_rsvp(other.id, people[0].user_id, Answer.GOING, TOMORROW)
    await make_report(people[0].user_id, action_id=action.id, at=NOW)
    await make_report(people[1].user_id, action_id=other.id, at=TOMORROW)
    await store.open_draft(people[2].user_id, NOW)
    today, tomorrow = date(2026, 11, 26), date(2026, 11, 27)
    rsvps, reports = await store.daily_counts(None)
    assert rsvps == [DayCount(today, 2), DayCount(tomorrow, 2)], "no is not counted"
    assert reports == [DayCount(today, 1), DayCount(tomorrow, 1)]
    assert await store.daily_counts(action.id) == (
        [DayCount(today, 2), DayCount(tomorrow, 1)],
        [DayCount(today, 1)],
    )
