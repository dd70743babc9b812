"""What a person types for the end of an action (``usecases.fields.end``): how long it lasts,
a clock time on the start's day or the next, or a date and a time; after the start and at most
``LONGEST_ACTION`` after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from turnout.limits import LONGEST_ACTION
from turnout.usecases import fields
from turnout.usecases.errors import Invalid

ZONE = "Europe/Belgrade"
#: Monday 7 June 2027, 18:00 in Belgrade (16:00 UTC).
START = datetime(2027, 6, 7, 16, 0, tzinfo=UTC)


def local(moment: datetime, zone: str = ZONE) -> tuple[int, int, int, int]:
    shown = moment.astimezone(ZoneInfo(zone))
    return (shown.month, shown.day, shown.hour, shown.minute)


def refused(text: str, start: datetime = START, zone: str = ZONE) -> str:
    with pytest.raises(Invalid) as refusal:
        fields.end(text, start, zone)
    return refusal.value.key


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2h", 120),
        ("90m", 90),
        ("1h30", 90),
        ("1h 30", 90),
        ("1.5h", 90),
        ("1,5 h", 90),
        ("2h30m", 150),
        ("2 h 30 min", 150),
        ("3 hours", 180),
        ("1 hour and 30 minutes", 90),
        ("45 minutes", 45),
        ("2 horas", 120),
        ("1 hora y 30 minutos", 90),
        ("2 heures", 120),
        ("1 heure et 15 minutes", 75),
        ("2 сата", 120),
        ("90 минута", 90),
        ("1 sat i 30 minuta", 90),
        ("2 dana", 2 * 24 * 60),
        ("3d", 3 * 24 * 60),
        (" 2H ", 120),
        ("2\u200bh", 120),
    ],
)
def test_how_long_it_lasts_counts_from_the_start(text: str, minutes: int) -> None:
    assert fields.end(text, START, ZONE) == START + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("20:00", (6, 7, 20, 0)),
        ("20.30", (6, 7, 20, 30)),
        ("8pm", (6, 7, 20, 0)),
        ("8 p.m.", (6, 7, 20, 0)),
        ("11:45 pm", (6, 7, 23, 45)),
        ("until 21:30", (6, 7, 21, 30)),
        ("hasta las 21:00", (6, 7, 21, 0)),
        ("jusqu'à 22:00", (6, 7, 22, 0)),
        ("do 23:00", (6, 7, 23, 0)),
        ("до 23:00", (6, 7, 23, 0)),
        # Not later than the start: the next day, as for a vigil through the night.
        ("02:00", (6, 8, 2, 0)),
        ("2am", (6, 8, 2, 0)),
        ("midnight", (6, 8, 0, 0)),
        ("24:00", (6, 8, 0, 0)),
        ("до поноћи", (6, 8, 0, 0)),
        ("18:00", (6, 8, 18, 0)),
        ("noon", (6, 8, 12, 0)),
    ],
)
def test_a_clock_time_is_that_day_or_the_next_in_the_actions_zone(
    text: str, clock: tuple[int, int, int, int]
) -> None:
    assert local(fields.end(text, START, ZONE)) == clock


def test_a_night_across_a_change_of_the_clocks_ends_at_the_time_on_the_clocks() -> None:
    # 31 October 2027, Belgrade: the clocks go back from 03:00 to 02:00.
    start = datetime(2027, 10, 30, 20, 0, tzinfo=UTC)  # 22:00 summer time
    ends = fields.end("04:00", start, ZONE)
    assert local(ends) == (10, 31, 4, 0)
    assert ends - start == timedelta(hours=7), "the repeated hour is lived through"


def test_a_date_and_time_is_read_from_the_start() -> None:
    assert local(fields.end("tomorrow 03:00", START, ZONE)) == (6, 8, 3, 0)
    assert local(fields.end("2027-06-09 12:00", START, ZONE)) == (6, 9, 12, 0)
    assert local(fields.end("wednesday 10:00", START, ZONE)) == (6, 9, 10, 0)


def test_the_end_must_come_after_the_start() -> None:
    assert refused("0h") == "end.not_after_start"
    assert refused("0 minutes") == "end.not_after_start"
    assert refused("2027-06-07 17:00") == "end.not_after_start"
    assert refused("2027-06-01 10:00") == "end.not_after_start"


def test_an_action_lasts_at_most_the_longest_action() -> None:
    assert fields.end("7d", START, ZONE) == START + LONGEST_ACTION
    for text in ("8d", "7 days 1 minute", "169h", "2027-06-15 10:00", "9" * 60 + "h"):
        with pytest.raises(Invalid) as refusal:
            fields.end(text, START, ZONE)
        assert refusal.value.key == "end.too_long", text
        assert refusal.value.count == LONGEST_ACTION.days


@pytest.mark.parametrize(
    "text",
    ["", "   ", "soon", "20", "25:00", "20:75", "13pm", "0am", "2 parsecs", "2h of fun",
     "h2", "٢h", "²h", "x" * 5000, "{time}", "2h\x00"],
)  # fmt: skip
def test_what_is_not_an_end_is_refused_with_what_to_send(text: str) -> None:
    assert refused(text) == "end.unreadable"


def test_check_end_says_why_not() -> None:
    assert fields.check_end(START, START + timedelta(hours=3)) == START + timedelta(hours=3)
    with pytest.raises(Invalid) as before:
        fields.check_end(START, START)
    assert before.value.key == "end.not_after_start"
    with pytest.raises(Invalid) as long:
        fields.check_end(START, START + LONGEST_ACTION + timedelta(minutes=1))
    assert long.value.key == "end.too_long"
