"""The /stats chart: something to see from the first day, whole counts, the reader's dates."""

from __future__ import annotations

import functools
from datetime import date

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
