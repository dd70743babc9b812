"""The numbers behind the /stats chart."""

from __future__ import annotations

from datetime import date

from turnout.export.charts import activity_chart, cumulative
from turnout.storage import DayCount


def test_running_totals_carry_over_days_without_counts() -> None:
    days = [DayCount(date(2026, 5, 1), 2), DayCount(date(2026, 5, 4), 3)]
    assert cumulative(days, date(2026, 4, 30), date(2026, 5, 5)) == [0, 2, 2, 2, 5, 5]
    assert cumulative([], date(2026, 5, 1), date(2026, 5, 1)) == [0]


def test_a_chart_of_one_day_is_drawn() -> None:
    png = activity_chart(
        [DayCount(date(2026, 5, 1), 1)], [], title="T", rsvps_label="R", reports_label="P"
    )
    assert png.startswith(b"\x89PNG")
