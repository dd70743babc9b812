"""The rules of check-in, pure: when it is open, how near confirms, which reminder carries
"I'm here", and how a distance reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from turnout.i18n import Catalogs
from turnout.scheduler.checkins import (
    Window,
    checkin_open,
    checkin_window,
    confirms,
    is_last_reminder,
    metres_away,
    on_the_day,
    under_way,
)
from turnout.storage import Action, ActionStatus
from turnout.views.checkins import distance

START = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
#: The old bridge, Belgrade.
POINT = (44.8167, 20.4500)
SECOND = timedelta(seconds=1)


def action(**changes: object) -> Action:
    values: dict[str, object] = {
        "id": 1, "title": "Clean River Rally", "description": "", "starts_at": START,
        "timezone": "Europe/Belgrade", "place": "The old bridge", "latitude": POINT[0],
        "longitude": POINT[1], "capacity": None, "reminder_minutes": (1440, 120),
        "status": ActionStatus.PLANNED, "revision": 1, "created_by": 7, "ends_at": END,
    }  # fmt: skip
    return Action(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("moment", "window"),
    [
        (START - timedelta(hours=1) - SECOND, Window.NOT_YET),
        (START - timedelta(hours=1), Window.OPEN),  # an hour before the start
        (START, Window.OPEN),
        (END - SECOND, Window.OPEN),
        (END, Window.OVER),  # the end closes it
        (END + timedelta(days=1), Window.OVER),
    ],
)
def test_check_in_is_open_from_an_hour_before_the_start_until_the_end(
    moment: datetime, window: Window
) -> None:
    assert checkin_window(action(), moment) is window
    assert checkin_open(action(), moment) == (window is Window.OPEN)


def test_an_action_without_an_end_kept_closes_after_the_default_two_hours() -> None:
    old = action(ends_at=None)
    assert checkin_window(old, START + timedelta(hours=2) - SECOND) is Window.OPEN
    assert checkin_window(old, START + timedelta(hours=2)) is Window.OVER


def test_a_cancelled_action_is_never_open() -> None:
    cancelled = action(status=ActionStatus.CANCELLED)
    assert checkin_window(cancelled, START) is Window.CANCELLED
    assert not checkin_open(cancelled, START)
    assert not under_way(cancelled, START)


def test_the_day_lasts_from_check_in_until_twelve_hours_after_the_end() -> None:
    assert not on_the_day(action(), START - timedelta(hours=1) - SECOND)
    assert on_the_day(action(), START - timedelta(hours=1))
    assert on_the_day(action(), END + timedelta(hours=12) - SECOND)
    assert not on_the_day(action(), END + timedelta(hours=12))


def test_under_way_is_from_the_start_to_the_end() -> None:
    assert not under_way(action(), START - SECOND)
    assert under_way(action(), START)
    assert under_way(action(), END - SECOND)
    assert not under_way(action(), END)


@pytest.mark.parametrize(
    ("north", "metres", "confirmed"),
    [
        (0.0, 0.0, True),
        (0.0027, 300.0, True),  # 0.0027° of latitude is about 300 m
        (0.0089, 990.0, True),
        (0.0091, 1012.0, False),  # just over a kilometre
        (0.045, 5004.0, False),
    ],
)
def test_a_location_within_a_kilometre_confirms(
    north: float, metres: float, confirmed: bool
) -> None:
    away = metres_away(action(), POINT[0] + north, POINT[1])
    assert away == pytest.approx(metres, abs=5)
    assert confirms(away) is confirmed


def test_the_distance_is_the_same_east_as_north_at_the_equator_and_shrinks_with_latitude() -> None:
    """Haversine, not degrees: a degree of longitude is shorter away from the equator."""
    at_equator = action(latitude=0.0, longitude=0.0)
    north = metres_away(at_equator, 0.01, 0.0)
    east = metres_away(at_equator, 0.0, 0.01)
    assert north == pytest.approx(east, rel=1e-3)
    assert north == pytest.approx(1112, abs=2)
    east_in_belgrade = metres_away(action(), POINT[0], POINT[1] + 0.01)
    assert east_in_belgrade == pytest.approx(1112 * 0.7096, rel=0.01)  # cos(44.8°)


def test_without_a_point_a_location_cannot_confirm() -> None:
    away = metres_away(action(latitude=None, longitude=None), *POINT)
    assert away is None
    assert not confirms(away)


@pytest.mark.parametrize(
    ("offsets", "minutes", "last"),
    [
        ((1440, 120), 120, True),  # the smallest offset
        ((1440, 120), 1440, False),
        ((1440, 120, 30), 120, False),
        ((1440, 120, 30), 30, True),
        ((1440,), 1440, True),  # the only one
        ((2880, 1440), 60, True),  # due within check-in's hour: an offset since removed
        ((), 120, True),
    ],
)
def test_the_last_reminder_carries_i_am_here(
    offsets: tuple[int, ...], minutes: int, last: bool
) -> None:
    assert is_last_reminder(action(reminder_minutes=offsets), minutes) is last


@pytest.mark.parametrize(
    ("language", "metres", "said"),
    [
        ("en", 312.0, "310 m"),
        ("en", 4.0, "10 m"),
        ("en", 1000.0, "1 km"),
        ("en", 2040.0, "2 km"),
        ("en", 1849.0, "1.8 km"),
        ("en", 12345.0, "12 km"),
        ("sr", 1849.0, "1,8 km"),
        ("fr", 1849.0, "1,8 km"),
    ],
)
def test_a_distance_reads_as_the_reader_writes_it(language: str, metres: float, said: str) -> None:
    t = Catalogs("en").translator(language)
    assert re.sub(r"\s", " ", distance(t, metres)) == said  # babel's spaces do not break
