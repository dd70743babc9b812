"""Reading plain-words times in a zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.scheduler.timeparse import Ambiguous, Parsed, Refused, parse_time
from turnout.views.timefmt import local_time

# Thursday 26 November 2026, 12:00 UTC.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def at(text: str, zone: str = "Europe/Belgrade", now: datetime = NOW) -> datetime:
    reading = parse_time(text, zone, now)
    assert isinstance(reading, Parsed), reading
    return reading.at


def local(moment: datetime, zone: str) -> tuple[int, int, int, int, int]:
    shown = moment.astimezone(ZoneInfo(zone))
    return (shown.year, shown.month, shown.day, shown.hour, shown.minute)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 18:00", (2026, 11, 27, 18, 0)),
        ("2027-06-29 17:30", (2027, 6, 29, 17, 30)),
        ("29.06.2027 17:30", (2027, 6, 29, 17, 30)),
        ("29/06/2027 17:30", (2027, 6, 29, 17, 30)),
        ("next friday 5pm", (2026, 11, 27, 17, 0)),
        ("29 June 2027 5:30 pm", (2027, 6, 29, 17, 30)),
        ("2027-06-29 5:30 am", (2027, 6, 29, 5, 30)),
        ("2027-06-29 17.30", (2027, 6, 29, 17, 30)),
    ],
)
def test_plain_words_in_the_organisers_zone(
    text: str, expected: tuple[int, int, int, int, int]
) -> None:
    assert local(at(text), "Europe/Belgrade") == expected


def test_a_clock_time_alone_means_the_next_such_time() -> None:
    # 12:00 UTC is 13:00 in Belgrade: 18:00 is today, 10:00 is tomorrow.
    assert local(at("18:00"), "Europe/Belgrade") == (2026, 11, 26, 18, 0)
    assert local(at("10:00"), "Europe/Belgrade") == (2026, 11, 27, 10, 0)


def test_day_first_dates_with_dots_are_not_ambiguous() -> None:
    assert local(at("06.07.2027 10:00"), "Europe/Belgrade") == (2027, 7, 6, 10, 0)


def test_slashed_dates_that_could_be_either_way_ask() -> None:
    reading = parse_time("06/07/2027 10:00", "Europe/Belgrade", NOW)
    assert isinstance(reading, Ambiguous)
    assert reading.reason == "day_month"
    assert [local(o, "Europe/Belgrade")[:3] for o in reading.options] == [
        (2027, 6, 7),
        (2027, 7, 6),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "unreadable"),
        ("whenever 10:00", "unreadable"),
        ("next friday", "no_time"),
        ("yesterday 18:00", "past"),
        ("2020-01-01 10:00", "past"),
    ],
)
def test_unusable_times_are_refused_with_a_reason(text: str, reason: str) -> None:
    reading = parse_time(text, "Europe/Belgrade", NOW)
    assert isinstance(reading, Refused)
    assert reading.reason == reason


@pytest.mark.parametrize(
    ("zone", "text", "next_real"),
    [
        ("Europe/Belgrade", "2027-03-28 02:30", (2027, 3, 28, 3, 0)),
        ("America/New_York", "2027-03-14 02:30", (2027, 3, 14, 3, 0)),
    ],
)
def test_a_time_skipped_in_spring_is_refused_with_the_next_real_one(
    zone: str, text: str, next_real: tuple[int, int, int, int, int]
) -> None:
    reading = parse_time(text, zone, NOW)
    assert isinstance(reading, Refused)
    assert reading.reason == "dst_gap"
    assert reading.suggestion is not None
    assert local(reading.suggestion, zone) == next_real


@pytest.mark.parametrize(
    ("zone", "text", "offsets"),
    [
        ("Europe/Belgrade", "2027-10-31 02:30", (timedelta(hours=2), timedelta(hours=1))),
        ("America/New_York", "2027-11-07 01:30", (timedelta(hours=-4), timedelta(hours=-5))),
    ],
)
def test_a_time_repeated_in_autumn_offers_both(
    zone: str, text: str, offsets: tuple[timedelta, timedelta]
) -> None:
    reading = parse_time(text, zone, NOW)
    assert isinstance(reading, Ambiguous)
    assert reading.reason == "dst_repeat"
    first, second = reading.options
    assert second - first == timedelta(hours=1)
    assert tuple(o.astimezone(ZoneInfo(zone)).utcoffset() for o in reading.options) == offsets


def test_summer_and_winter_times_have_their_own_offsets() -> None:
    assert at("2027-07-01 12:00").hour == 10  # CEST, UTC+2
    assert at("2027-01-15 12:00").hour == 11  # CET, UTC+1
    assert at("2027-07-01 12:00", "America/New_York").hour == 16  # EDT, UTC-4


ZONES = st.sampled_from(
    ["UTC", "Europe/Belgrade", "America/New_York", "Asia/Kolkata", "Australia/Sydney",
     "America/Sao_Paulo", "Pacific/Auckland"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    zone=ZONES,
    minutes_ahead=st.integers(min_value=60, max_value=3 * 365 * 24 * 60),
)
def test_stored_utc_shown_local_and_read_again_is_the_same_instant(
    zone: str, minutes_ahead: int
) -> None:
    moment = (NOW + timedelta(minutes=minutes_ahead)).replace(second=0)
    shown = moment.astimezone(ZoneInfo(zone))
    written = shown.strftime("%Y-%m-%d %H:%M")
    reading = parse_time(written, zone, NOW)
    if isinstance(reading, Ambiguous):  # the repeated hour of autumn: one of the two
        assert moment in reading.options
    else:
        assert isinstance(reading, Parsed), (written, reading)
        assert reading.at == moment
    assert local_time(moment, zone, "en")  # and it can be shown


@pytest.mark.parametrize("text", ["tomorrow 25:00", "tomorrow 18:60", "tomorrow 13:00 pm", "24:30"])
def test_a_clock_time_that_cannot_be_is_refused_rather_than_read_as_now(text: str) -> None:
    # dateparser skips what it cannot read and keeps the current time of day.
    assert parse_time(text, "Europe/Belgrade", NOW) == Refused("unreadable")


def test_invisible_characters_do_not_hide_the_clock_time() -> None:
    assert local(at("tomorrow 1\u200b8:00"), "Europe/Belgrade") == (2026, 11, 27, 18, 0)
    assert local(at("tomorrow\u2060 18:00\ufeff"), "Europe/Belgrade") == (2026, 11, 27, 18, 0)


def test_a_dotted_clock_time_is_a_clock_time() -> None:
    assert local(at("tomorrow 18.00"), "Europe/Belgrade") == (2026, 11, 27, 18, 0)


@pytest.mark.parametrize(
    ("text", "hour_utc"), [("2027-01-15 21:00 UTC", 21), ("2027-01-15 18:00 +02:00", 16)]
)
def test_a_zone_named_in_the_text_wins_over_the_organisers(text: str, hour_utc: int) -> None:
    moment = at(text, "Europe/Belgrade")
    assert (moment.day, moment.hour) == (15, hour_utc)


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("tomorrow noon", (2026, 11, 27, 12, 0)),
        ("saturday evening", (2026, 11, 28, 18, 0)),
        ("midday", (2026, 11, 27, 12, 0)),  # noon today has passed (13:00 in Belgrade)
        ("tonight", (2026, 11, 26, 21, 0)),
        ("tomorrow morning", (2026, 11, 27, 9, 0)),
        ("sábado por la tarde", (2026, 11, 28, 15, 0)),
        ("mañana a mediodía", (2026, 11, 27, 12, 0)),
        ("mañana por la mañana", (2026, 11, 27, 9, 0)),
        ("esta noche", (2026, 11, 26, 21, 0)),
        ("demain midi", (2026, 11, 27, 12, 0)),
        ("samedi après-midi", (2026, 11, 28, 15, 0)),
        ("ce soir", (2026, 11, 26, 18, 0)),
        ("сутра у подне", (2026, 11, 27, 12, 0)),  # noqa: RUF001 - Serbian
        ("сутра ујутру", (2026, 11, 27, 9, 0)),
        ("вечерас", (2026, 11, 26, 18, 0)),
        ("sutra popodne", (2026, 11, 27, 15, 0)),
        ("subota uveče", (2026, 11, 28, 18, 0)),
    ],
)
def test_times_of_day_in_words_are_read_in_every_language(text: str, wall: tuple[int, ...]) -> None:
    assert local(at(text), "Europe/Belgrade")[:5] == wall


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("asdfgh", "unreadable"),
        ("qwerty uiop", "unreadable"),
        ("next friday", "no_time"),
        ("mañana", "no_time"),  # "tomorrow", not the morning
        ("29 June", "no_time"),
    ],
)
def test_junk_is_told_apart_from_a_day_without_a_time(text: str, reason: str) -> None:
    assert parse_time(text, "Europe/Belgrade", NOW) == Refused(reason)
