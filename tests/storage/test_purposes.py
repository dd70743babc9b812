"""Outbox purposes: keys that never collide, and families that match exactly their own rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.storage.conftest import ReadDb
from turnout.storage import Store
from turnout.storage.purposes import (
    APPROVAL_PARTS,
    CALL_PARTS,
    PURPOSES,
    AlertCopy,
    ApprovalOutcome,
    ApprovalRequest,
    ApprovalSettled,
    CallCopy,
    CallDeletion,
    CallEdit,
    CallHeld,
    CallOut,
    ChangeNotice,
    ChannelLost,
    Digest,
    Family,
    LiveCard,
    OwnerNotice,
    PaidRanOut,
    PhotoAsk,
    Pinning,
    PromptLapse,
    ProposalDecided,
    ProposalNotice,
    Purpose,
    Reminder,
    ReportDecided,
    ReviewChatNotice,
    RoleChange,
    SafetyCheck,
    SafetyHelp,
    WaitlistPromotion,
    stamp,
)

ids = st.integers(min_value=-(10**13), max_value=10**13)
small_ids = st.integers(min_value=1, max_value=20)
stamps = st.datetimes(timezones=st.just(UTC)).map(stamp)
days = st.dates().map(date.isoformat)

#: Every purpose, with its fields drawn freely (ids small enough to meet each other often).
purposes = st.one_of(
    st.builds(Reminder, small_ids, small_ids, st.sampled_from([0, 60, 120, 1440])),
    st.builds(ChangeNotice, small_ids),
    st.builds(WaitlistPromotion, small_ids, stamps),
    st.builds(ReportDecided, small_ids),
    st.builds(ReviewChatNotice, ids, ids),
    st.builds(Digest, days),
    st.builds(ProposalNotice, small_ids),
    st.builds(ProposalDecided, small_ids),
    st.builds(CallCopy, small_ids, st.sampled_from(CALL_PARTS)),
    st.builds(CallEdit, small_ids, stamps),
    st.builds(CallDeletion, small_ids),
    st.builds(CallHeld, small_ids),
    st.builds(CallOut, small_ids),
    st.builds(RoleChange, ids, stamps),
    st.builds(ChannelLost, ids, stamps),
    st.builds(PromptLapse, small_ids),
    st.builds(AlertCopy, small_ids),
    st.builds(SafetyCheck, small_ids, small_ids, st.sampled_from([1, 2])),
    st.builds(SafetyHelp, small_ids, ids),
    st.builds(PhotoAsk, small_ids, small_ids),
    st.builds(LiveCard, small_ids, stamps),
    st.builds(Pinning, st.builds(lambda n: AlertCopy(n).key, small_ids)),
    st.builds(ApprovalRequest, small_ids, st.sampled_from(APPROVAL_PARTS)),
    st.builds(ApprovalOutcome, small_ids),
    st.builds(ApprovalSettled, small_ids),
    st.builds(OwnerNotice, small_ids),
    st.builds(PaidRanOut, st.sampled_from(["call", "alert"]), small_ids),
)

AT = stamp(NOW)
ONE_OF_EACH: list[Purpose] = [
    Reminder(1, 1, 1),
    ChangeNotice(1),
    WaitlistPromotion(1, AT),
    ReportDecided(1),
    ReviewChatNotice(1, 1),
    Digest("2026-11-26"),
    ProposalNotice(1),
    ProposalDecided(1),
    CallCopy(1, "text"),
    CallEdit(1, AT),
    CallDeletion(1),
    CallHeld(1),
    CallOut(1),
    RoleChange(1, AT),
    ChannelLost(1, AT),
    PromptLapse(1),
    AlertCopy(1),
    SafetyCheck(1, 1, 1),
    SafetyHelp(1, 1),
    PhotoAsk(1, 1),
    LiveCard(1, AT),
    Pinning(AlertCopy(1).key),
    ApprovalRequest(1, "ask"),
    ApprovalOutcome(1),
    ApprovalSettled(1),
    OwnerNotice(1),
    PaidRanOut("call", 1),
]


def test_purposes_of_different_kinds_with_the_same_numbers_have_different_keys() -> None:
    assert {type(p) for p in ONE_OF_EACH} == set(PURPOSES), "every kind is checked"
    keys = [p.key for p in ONE_OF_EACH]
    assert len(set(keys)) == len(keys)
    assert all(str(p) == p.key for p in ONE_OF_EACH)


@given(purposes, purposes)
def test_two_purposes_share_a_key_only_when_they_are_the_same(a: Purpose, b: Purpose) -> None:
    assert (a.key == b.key) == (a == b)


@given(purposes, small_ids)
def test_a_calls_family_is_exactly_its_own_rows(purpose: Purpose, call: int) -> None:
    own = isinstance(purpose, CallCopy | CallEdit | CallDeletion) and purpose.call == call
    assert purpose.key.startswith(CallCopy.of_call(call).prefix) == own


@given(purposes, small_ids)
def test_an_actions_family_is_exactly_its_reminders(purpose: Purpose, action: int) -> None:
    own = isinstance(purpose, Reminder) and purpose.action == action
    assert purpose.key.startswith(Reminder.of_action(action).prefix) == own


def test_a_family_pattern_takes_its_own_wildcards_literally() -> None:
    assert Family("50%_off\\").like == "50\\%\\_off\\\\%"
    assert Family("call:1:").like == "call:1:%"


def test_stamps_tell_apart_two_moments_of_one_second() -> None:
    assert stamp(NOW) != stamp(NOW + timedelta(microseconds=1))
    assert stamp(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == "20260102030405000006"


async def test_families_match_exactly_their_own_rows_in_sql(store: Store, read_db: ReadDb) -> None:
    rows: list[Purpose] = [
        Reminder(1, 1, 120),
        Reminder(1, 2, 60),
        Reminder(12, 1, 120),
        Reminder(10, 1, 1),
        CallCopy(1, "text"),
        CallCopy(1, "media"),
        CallEdit(1, AT),
        CallDeletion(1),
        CallCopy(12, "text"),
        CallCopy(10, "media"),
        CallDeletion(11),
        ChangeNotice(1),
        PromptLapse(1),
        ProposalNotice(1),
        ReviewChatNotice(1, 12),
    ]
    for purpose in rows:
        await store.enqueue_deliveries(purpose, [(1, "{}")], NOW, NOW)

    def matching(family: Family) -> set[str]:
        found = read_db(
            "SELECT purpose FROM deliveries WHERE purpose LIKE ? ESCAPE '\\'", (family.like,)
        )
        return {purpose for (purpose,) in found}

    assert matching(Reminder.of_action(1)) == {"reminder:1:r1:120m", "reminder:1:r2:60m"}
    assert matching(Reminder.of_action(12)) == {"reminder:12:r1:120m"}
    assert matching(CallCopy.of_call(1)) == {
        "call:1:text",
        "call:1:media",
        f"call:1:edit-{AT}",
        "call:1:delete",
    }
    assert matching(CallCopy.of_call(12)) == {"call:12:text"}


async def test_wildcards_in_a_family_match_only_themselves_in_sql(
    store: Store, read_db: ReadDb
) -> None:
    for at in ("5%_x", "5%_y", "55_x", "5%ax", "5abx", "5\\_x"):
        await store.enqueue_deliveries(WaitlistPromotion(1, at), [(1, "{}")], NOW, NOW)

    def matching(prefix: str) -> list[str]:
        found = read_db(
            "SELECT purpose FROM deliveries WHERE purpose LIKE ? ESCAPE '\\' ORDER BY purpose",
            (Family(prefix).like,),
        )
        return [purpose for (purpose,) in found]

    assert matching("promoted:1:5%_") == ["promoted:1:5%_x", "promoted:1:5%_y"]
    assert matching("promoted:1:5\\") == ["promoted:1:5\\_x"]
