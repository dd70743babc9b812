from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from turnout.delivery.pacing import GROUP_CHAT_GAP, PRIVATE_CHAT_GAP, Pacer, backoff


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_slots_are_evenly_spaced_at_the_rate() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=25, clock=clock)
    slots = [pacer.reserve_lane(chat_id, may_pay=False)[0] for chat_id in range(1, 51)]
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(slots)}
    assert gaps == {0.04}
    assert slots[0] == 100.0


@given(rate=st.integers(min_value=1, max_value=1000), sends=st.integers(min_value=2, max_value=300))
def test_no_second_holds_more_than_the_rate(rate: int, sends: int) -> None:
    """What a server counting per second sees: never more than ``rate`` (1 ns of float slack)."""
    clock = FakeTime()
    pacer = Pacer(rate=rate, clock=clock)
    slots = [pacer.reserve_lane(chat_id, may_pay=False)[0] for chat_id in range(1, sends + 1)]
    for index, start in enumerate(slots):
        within = sum(1 for slot in slots[index:] if slot < start + 1.0 - 1e-9)
        assert within <= rate


def test_a_chat_has_its_own_cool_down() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=30, clock=clock)
    slot = pacer.reserve_lane(42, may_pay=False)[0]
    assert pacer.chat_free_at(42) == slot + PRIVATE_CHAT_GAP
    channel_slot = pacer.reserve_lane(-100123, may_pay=False)[0]
    assert pacer.chat_free_at(-100123) == channel_slot + GROUP_CHAT_GAP
    assert pacer.chat_free_at(7) == 0.0


def test_a_pause_holds_back_slots_already_booked() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=10, clock=clock)
    slot = pacer.reserve_lane(1, may_pay=False)[0]
    assert pacer.wait_time(slot) == 0
    pacer.pause(2.0)
    assert pacer.wait_time(slot) == pytest.approx(2.0)
    clock.now += 2.0
    assert pacer.wait_time(slot) <= 0
    assert pacer.reserve_lane(2, may_pay=False)[0] >= 102.0


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 10, 30])
def test_backoff_grows_with_jitter_and_a_cap(attempt: int) -> None:
    rng = random.Random(attempt)
    ceiling = min(60.0, 2.0 ** (attempt - 1))
    delays = [backoff(attempt, rng=rng) for _ in range(200)]
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1, "no jitter"


def test_a_paid_broadcast_fills_the_free_lane_and_pays_for_the_rest() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=25, clock=clock, paid_rate=1000)
    booked = [pacer.reserve_lane(chat_id, may_pay=True) for chat_id in range(1, 1001)]
    paid = [when for when, is_paid in booked if is_paid]
    free = [when for when, is_paid in booked if not is_paid]
    # One second's worth: 25 in the free lane, 975 paid, together the paid rate.
    assert max(when for when, _ in booked) < 101.0
    assert len(free) == 25
    assert len(paid) == 975
    assert {round(b - a, 9) for a, b in itertools.pairwise(free)} == {0.04}


def test_a_message_that_may_not_pay_never_takes_the_paid_lane() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=25, clock=clock, paid_rate=1000)
    pacer.reserve_lane(1, may_pay=True)  # the free lane's first slot
    assert pacer.reserve_lane(2, may_pay=False) == (100.04, False)
    assert pacer.reserve_lane(3, may_pay=True)[1] is True


def test_without_a_paid_rate_nothing_is_paid() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=25, clock=clock)
    assert not pacer.pays
    assert not any(pacer.reserve_lane(chat, may_pay=True)[1] for chat in range(1, 100))


@given(sends=st.integers(min_value=2, max_value=2000))
def test_neither_lane_goes_past_its_rate(sends: int) -> None:
    """Telegram counts unpaid messages against the free rate and all of them against the paid
    one: a server counting per second sees neither exceeded."""
    clock = FakeTime()
    pacer = Pacer(rate=30, clock=clock, paid_rate=1000)
    booked = [pacer.reserve_lane(chat, may_pay=chat % 3 != 0) for chat in range(1, sends + 1)]
    for lane, limit in ((False, 30), (None, 1000)):
        slots = sorted(when for when, paid in booked if lane is None or paid == lane)
        for index, start in enumerate(slots):
            within = sum(1 for slot in slots[index:] if slot < start + 1.0 - 1e-9)
            assert within <= limit


def test_a_pause_holds_both_lanes() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=25, clock=clock, paid_rate=1000)
    pacer.pause(5.0)
    assert pacer.reserve_lane(1, may_pay=True)[0] >= 105.0
    assert pacer.reserve_lane(2, may_pay=True)[0] >= 105.0
