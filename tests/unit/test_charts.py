"""The /stats chart: something to see from the first day, whole counts, the reader's dates."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from turnout.export.charts import (
    ChartWords,
    activity_chart,
    activity_figure,
    chart_span,
    cumulative,
    per_day,
)
from turnout.storage import DayCount
from turnout.views.timefmt import short_day

WORDS = ChartWords("Picket", "RSVPs", "Reports", "New per day", "Running total")
TODAY = date(2026, 12, 6)


def test_running_totals_carry_over_days_without_counts() -> None:
    days = [DayCount(date(2026, 5, 1), 2), DayCount(date(2026, 5, 4), 3)]
    assert cumulative(days, date(2026, 4, 30), date(2026, 5, 5)) == [0, 2, 2, 2, 5, 5]
    assert per_day(days, date(2026, 4, 30), date(2026, 5, 5)) == [0, 2, 0, 0, 3, 0]
    assert cumulative([], date(2026, 5, 1), date(2026, 5, 1)) == [0]


def test_a_chart_spans_at_least_a_week_up_to_today() -> None:
    assert chart_span([TODAY], TODAY) == (date(2026, 11, 30), TODAY)
    assert chart_span([], TODAY) == (date(2026, 11, 30), TODAY)
    assert chart_span([date(2026, 10, 1)], TODAY) == (date(2026, 10, 1), TODAY)
    # A day after today (an organiser's clock ahead) still ends the chart.
    assert chart_span([date(2026, 12, 8)], TODAY)[1] == date(2026, 12, 8)


def test_one_day_of_activity_shows_bars_markers_a_week_and_whole_counts() -> None:
    figure = activity_figure(
        [DayCount(TODAY, 1)],
        [],
        WORDS,
        today=TODAY,
        day_label=functools.partial(short_day, language="en"),
    )
    daily, totals = figure.axes
    bars = [bar for bar in daily.patches if bar.get_height() > 0]
    assert len(bars) == 1  # the one RSVP today
    assert any(line.get_marker() not in (None, "None", "") for line in totals.get_lines())
    low, high = totals.get_xlim()
    assert high - low >= 7  # a week of days, not 2025 to 2029
    figure.canvas.draw()
    for plot in (daily, totals):
        ticks = [
            tick for tick in plot.get_yticks() if plot.get_ylim()[0] <= tick <= plot.get_ylim()[1]
        ]
        assert ticks and all(float(tick).is_integer() for tick in ticks), ticks
    labels = [label.get_text() for label in totals.get_xticklabels() if label.get_text()]
    assert labels and all(label.startswith(("Nov", "Dec")) for label in labels), labels


def test_the_dates_are_in_the_readers_language() -> None:
    figure = activity_figure(
        [DayCount(TODAY, 3)],
        [DayCount(TODAY, 1)],
        WORDS,
        today=TODAY,
        day_label=functools.partial(short_day, language="sr"),
    )
    figure.canvas.draw()
    labels = " ".join(label.get_text() for label in figure.axes[1].get_xticklabels())
    assert "дец" in labels or "нов" in labels, labels


def test_the_chart_is_a_png() -> None:
    png = activity_chart(
        [DayCount(TODAY, 1)], [], WORDS, today=TODAY, day_label=lambda day: day.isoformat()
    )
    assert png.startswith(b"\x89PNG")


def position(moment: Any) -> float:
    """Where a moment (naive: UTC) stands on matplotlib's date axis, in days."""
    from matplotlib.dates import date2num

    return float(date2num(moment))  # type: ignore[no-untyped-call]


def test_a_chart_of_one_action_marks_its_start_and_end_in_the_readers_words() -> None:
    start = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    end = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)
    words = replace(WORDS, start="Početak: 4. dec. 15:00", end="Kraj: 4. dec. 17:30")
    figure = activity_figure(
        [DayCount(date(2026, 12, 1), 3)],
        [DayCount(TODAY, 1)],
        words,
        today=TODAY,
        day_label=functools.partial(short_day, language="sr-Latn"),
        span=(start, end),
    )
    daily, totals = figure.axes
    # In the column of its day: each day's bars stand at its midnight, the day around them.
    where = [position(datetime(2026, 12, 4, 2, 0)), position(datetime(2026, 12, 4, 4, 30))]
    for plot in (daily, totals):
        marks = [line for line in plot.get_lines() if line.get_label() in (words.start, words.end)]
        assert sorted(position(line.get_xdata()[0]) for line in marks) == where  # type: ignore[index]
        [band] = [patch for patch in plot.patches if patch.get_alpha() == 0.2]
        extent = band.get_window_extent()
        low, high = plot.transData.inverted().transform([(extent.x0, 0), (extent.x1, 0)])[:, 0]
        assert (round(low, 4), round(high, 4)) == (round(where[0], 4), round(where[1], 4))
    legend, daily_legend = totals.get_legend(), daily.get_legend()
    assert legend is not None and daily_legend is not None
    assert [text.get_text() for text in legend.get_texts()] == [words.start, words.end]
    assert [text.get_text() for text in daily_legend.get_texts()] == ["RSVPs", "Reports"]


def test_an_action_still_to_come_is_on_its_chart() -> None:
    figure = activity_figure(
        [DayCount(TODAY, 2)],
        [],
        WORDS,
        today=TODAY,
        day_label=functools.partial(short_day, language="en"),
        span=(datetime(2026, 12, 20, 18, tzinfo=UTC), datetime(2026, 12, 20, 20, tzinfo=UTC)),
    )
    totals = figure.axes[1]
    marks = [position(line.get_xdata()[0]) for line in totals.get_lines()[-2:]]  # type: ignore[index]
    assert marks == [position(datetime(2026, 12, 20, 6)), position(datetime(2026, 12, 20, 8))]
    assert totals.get_xlim()[0] < marks[0] < marks[1] < totals.get_xlim()[1]


def test_a_chart_of_everything_marks_no_action() -> None:
    figure = activity_figure(
        [DayCount(TODAY, 2)], [], WORDS, today=TODAY, day_label=lambda day: day.isoformat()
    )
    daily, totals = figure.axes
    assert totals.get_legend() is None
    assert not [patch for plot in (daily, totals) for patch in plot.patches if patch.get_alpha()]
