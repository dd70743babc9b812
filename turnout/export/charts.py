"""The ``/stats`` chart: RSVPs and reports per day, and their running totals, as a PNG
(matplotlib, Agg backend).

Drawn on a ``Figure`` of its own, never through pyplot's global state, so that two charts can
be drawn at once in worker threads. It has to say something from the first answer, when all
there is happened today: bars and markers (a line through one point is invisible), at least a
week of days, whole-number counts, and dates in the reader's language (``day_label``). A chart
of one action marks when it began and ended: a shaded band between two lines, in the legend.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING

from turnout.storage import DayCount

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The fewest days a chart spans, ending with its last day: one day alone reads as nothing.
MIN_DAYS = 7


def cumulative(days: Sequence[DayCount], first: date, last: date) -> list[int]:
    """Running totals for every day from ``first`` to ``last`` (days without counts carry on)."""
    return list(accumulate(per_day(days, first, last)))


def per_day(days: Sequence[DayCount], first: date, last: date) -> list[int]:
    """The count of every day from ``first`` to ``last`` (0 for days without one)."""
    counts = {entry.day: entry.count for entry in days}
    return [counts.get(first + timedelta(days=n), 0) for n in range((last - first).days + 1)]


def chart_span(days: Sequence[date], today: date) -> tuple[date, date]:
    """The days a chart shows: from the first day with a count to today (or the last day with
    one, if later), and at least ``MIN_DAYS`` of them."""
    last = max((*days, today))
    first = min((*days, last))
    return min(first, last - timedelta(days=MIN_DAYS - 1)), last


@dataclass(frozen=True, slots=True)
class ChartWords:
    """What the chart says, in the reader's language."""

    title: str
    rsvps: str
    reports: str
    per_day: str
    totals: str
    start: str = ""
    """The line where the action began ("Start: Sat, Dec 5, 2026 2:00 PM UTC")."""
    end: str = ""
    """The line where it ended."""


def on_axis(moment: datetime) -> datetime:
    """Where ``moment`` stands on the chart: each day's bars stand at its midnight (UTC) and
    fill the day around it, from 12 hours before to 12 hours after, so a moment at ``f`` of a
    day is ``f - 12 hours`` from that midnight (an action at 14:00 is drawn in its day's
    column, a little right of its tick, not half a day later, under the next day's bars)."""
    return moment.astimezone(UTC).replace(tzinfo=None) - timedelta(hours=12)


def activity_figure(
    rsvps: Sequence[DayCount],
    reports: Sequence[DayCount],
    words: ChartWords,
    *,
    today: date,
    day_label: Callable[[date], str],
    span: tuple[datetime, datetime] | None = None,
) -> Figure:
    """New RSVPs and reports per day as bars, their running totals as steps with markers;
    ``span``, the start and end of the one action the chart is about, marked on both."""
    import numpy
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # slow to import: on first use
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    days = [entry.day for entry in (*rsvps, *reports)]
    if span is not None:  # the action is on the chart, even one still to come
        days += [moment.astimezone(UTC).date() for moment in span]
    first, last = chart_span(days, today)
    axis = numpy.array(
        [first + timedelta(days=n) for n in range((last - first).days + 1)], dtype="datetime64[D]"
    )
    figure = Figure(figsize=(8, 5), dpi=100)
    FigureCanvasAgg(figure)
    daily, totals = figure.subplots(2, 1, sharex=True, height_ratios=(1, 1))
    half = numpy.timedelta64(8, "h")  # two bars side by side within a day
    daily.bar(axis - half / 2, per_day(rsvps, first, last), width=0.33, label=words.rsvps)
    daily.bar(axis + half / 2, per_day(reports, first, last), width=0.33, label=words.reports)
    totals.step(axis, cumulative(rsvps, first, last), where="mid", marker="o", label=words.rsvps)
    totals.step(
        axis, cumulative(reports, first, last), where="mid", marker="s", label=words.reports
    )
    daily.set_title(words.title)
    for plot, name in ((daily, words.per_day), (totals, words.totals)):
        plot.set_ylabel(name)
        plot.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))
        plot.set_ylim(bottom=0, top=max(1.0, plot.get_ylim()[1]))
        plot.grid(alpha=0.3, axis="y")
    daily.legend(loc="upper left")
    if span is not None:
        start, end = on_axis(span[0]), on_axis(span[1])
        for plot in (daily, totals):
            plot.axvspan(start, end, color="0.5", alpha=0.2, linewidth=0, zorder=0)
            marks = [
                plot.axvline(start, color="tab:green", linewidth=1.5, label=words.start),
                plot.axvline(end, color="tab:red", linewidth=1.5, linestyle="--", label=words.end),
            ]
        # In the running totals' upper left, empty until they rise.
        totals.legend(handles=marks, loc="upper left")
    margin = numpy.timedelta64(14, "h")  # room for the first and last days' bars
    totals.set_xlim(axis[0] - margin, axis[-1] + margin)
    # matplotlib.dates has no type hints for these two.
    locator = AutoDateLocator(minticks=3, maxticks=8, interval_multiples=True)  # type: ignore[no-untyped-call]
    totals.xaxis.set_major_locator(locator)
    totals.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _: day_label(num2date(value).date()))  # type: ignore[no-untyped-call]
    )
    figure.align_ylabels()
    figure.tight_layout()
    return figure


def activity_chart(
    rsvps: Sequence[DayCount],
    reports: Sequence[DayCount],
    words: ChartWords,
    *,
    today: date,
    day_label: Callable[[date], str],
    span: tuple[datetime, datetime] | None = None,
) -> bytes:
    """``activity_figure`` as PNG bytes."""
    figure = activity_figure(rsvps, reports, words, today=today, day_label=day_label, span=span)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
