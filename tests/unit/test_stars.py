"""What a paid broadcast costs (``delivery/stars.py``): pure arithmetic."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from turnout.delivery.stars import STARS_PER_MESSAGE, estimate, messages_for, stars_for


def test_twenty_thousand_copies_at_a_thousand_a_second() -> None:
    cost = estimate(20000, free_rate=25, paid_rate=1000)
    assert cost.paid_copies == 19500  # 500 fit in the free lane's 25 a second
    assert cost.stars == 1950
    assert cost.seconds_paid == 20.0
    assert cost.seconds_free == 800.0


def test_stars_are_counted_in_tenths_without_rounding_errors() -> None:
    assert STARS_PER_MESSAGE == 0.1
    assert [stars_for(n) for n in (0, 1, 3, 10, 11, 19500)] == [0, 1, 1, 1, 2, 1950]
    assert [messages_for(b) for b in (0, 0.05, 0.1, 0.3, 1, 1950, -4)] == [0, 0, 1, 3, 10, 19500, 0]


def test_a_balance_covers_what_it_pays_for() -> None:
    cost = estimate(20000, free_rate=25, paid_rate=1000)
    assert cost.covered_by(None) == 19500  # unknown: the outbox finds out as it goes
    assert cost.covered_by(100) == 1000
    assert cost.covered_by(1_000_000) == 19500


def test_nothing_to_send_costs_nothing() -> None:
    assert estimate(0, free_rate=25, paid_rate=1000).stars == 0


@given(
    copies=st.integers(min_value=1, max_value=100_000),
    free=st.integers(min_value=1, max_value=30),
    paid=st.integers(min_value=31, max_value=1000),
)
def test_the_split_adds_up(copies: int, free: int, paid: int) -> None:
    cost = estimate(copies, free_rate=free, paid_rate=paid)
    assert 0 <= cost.paid_copies <= copies
    assert cost.stars == stars_for(cost.paid_copies)
    assert cost.seconds_paid <= cost.seconds_free
