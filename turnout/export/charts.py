"""The ``/stats`` chart: RSVPs and reports over time, as a PNG (matplotlib, Agg backend).

Drawn on a ``Figure`` of its own, never through pyplot's global state, so that two charts can
be drawn at once in worker threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate

from turnout.storage import DayCount


def cumulative(days: Sequence[DayCount], first: date, last: date) -> list[int]:
    """Running totals for every day from ``first`` to ``last`` (days without counts carry on)."""
    per_day = {entry.day: entry.count for entry in days}
    span = (last - first).days + 1
    return list(accumulate(per_day.get(first + timedelta(days=n), 0) for n in range(span)))


def activity_chart(
    rsvps: Sequence[DayCount],
    reports: Sequence[DayCount],
    *,
    title: str,
    rsvps_label: str,
    reports_label: str,
) -> bytes:
    """Cumulative RSVPs and reports per day, as PNG bytes."""
    import numpy
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # slow to import: on first use
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    days = [entry.day for entry in (*rsvps, *reports)]
    first = min(days, default=date.today())
    last = max(days, default=first)
    axis = numpy.array(
        [first + timedelta(days=n) for n in range((last - first).days + 1)], dtype="datetime64[D]"
    )
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    plot = figure.add_subplot()
    plot.step(axis, cumulative(rsvps, first, last), where="post", label=rsvps_label)
    plot.step(axis, cumulative(reports, first, last), where="post", label=reports_label)
    # matplotlib.dates has no type hints for these two.
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    plot.xaxis.set_major_locator(locator)
    plot.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    plot.set_title(title)
    plot.set_ylim(bottom=0)
    plot.grid(alpha=0.3)
    plot.legend(loc="upper left")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
