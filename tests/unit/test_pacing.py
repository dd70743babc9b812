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
    slots = [pacer.reserve(chat_id) for chat_id in range(1, 51)]
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(slots)}
    assert gaps == {0.04}
    assert slots[0] == 100.0


@given(rate=st.integers(min_value=1, max_value=1000), sends=st.integers(min_value=2, max_value=300))
def test_no_second_holds_more_than_the_rate(rate: int, sends: int) -> None:
    """What a server counting per second sees: never more than ``rate`` (1 ns of float slack)."""
    clock = FakeTime()
    pacer = Pacer(rate=rate, clock=clock)
    slots = [pacer.reserve(chat_id) for chat_id in range(1, sends + 1)]
    for index, start in enumerate(slots):
        within = sum(1 for slot in slots[index:] if slot < start + 1.0 - 1e-9)
        assert within <= rate


def test_a_chat_has_its_own_cool_down() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=30, clock=clock)
    slot = pacer.reserve(42)
    assert pacer.chat_free_at(42) == slot + PRIVATE_CHAT_GAP
    channel_slot = pacer.reserve(-100123)
    assert pacer.chat_free_at(-100123) == channel_slot + GROUP_CHAT_GAP
    assert pacer.chat_free_at(7) == 0.0


def test_a_pause_holds_back_slots_already_booked() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=10, clock=clock)
    slot = pacer.reserve(1)
    assert pacer.wait_time(slot) == 0
    pacer.pause(2.0)
    assert pacer.wait_time(slot) == pytest.approx(2.0)
    clock.now += 2.0
    assert pacer.wait_time(slot) <= 0
    assert pacer.reserve(2) >= 102.0


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 10, 30])
def test_backoff_grows_with_jitter_and_a_cap(attempt: int) -> None:
    rng = random.Random(attempt)
    ceiling = min(60.0, 2.0 ** (attempt - 1))
    delays = [backoff(attempt, rng=rng) for _ in range(200)]
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1, "no jitter"
