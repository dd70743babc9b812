"""/stats on the day of an action: going, here and confirmed, the safety answers once asked,
and reports per attendee saying per whom, one action or several added up (README, "Action
day")."""

from __future__ import annotations

from turnout.i18n import Catalogs
from turnout.storage import Answer, Attendance, ReportStatus, SafetyCounts, Stats
from turnout.storage.records import Attendees, DayNumbers
from turnout.views.stats import day_lines, stats_text

catalogs = Catalogs("en")
t = catalogs.translator("en")
STATS = Stats({Answer.GOING: 4}, {ReportStatus.PENDING: 3}, 9, 0, 9)

CHECKED = DayNumbers.of(Attendance(120, 37, 30), SafetyCounts(31, 1, 5), 15)
NOBODY_HERE = DayNumbers.of(Attendance(8, 0, 0), None, 2)
NOBODY_AT_ALL = DayNumbers.of(Attendance(), None, 3)


def test_one_action_counts_its_reports_per_those_here_else_per_those_going() -> None:
    assert (CHECKED.per, CHECKED.attendees, CHECKED.counted_reports) == (Attendees.HERE, 37, 15)
    assert CHECKED.reports_per_attendee == 15 / 37
    assert (NOBODY_HERE.per, NOBODY_HERE.attendees) == (Attendees.GOING, 8)
    assert NOBODY_HERE.reports_per_attendee == 0.25
    # Nobody to count per: reports, but no ratio.
    assert (NOBODY_AT_ALL.per, NOBODY_AT_ALL.reports_per_attendee) == (None, None)
    assert NOBODY_AT_ALL.counted_reports == 0


def test_actions_add_up_each_counted_its_own_way() -> None:
    total = DayNumbers.added([CHECKED, NOBODY_HERE, NOBODY_AT_ALL])
    assert total.actions == 3
    assert total.attendance == Attendance(128, 37, 30)
    assert total.safety == SafetyCounts(31, 1, 5)
    assert total.safety_checks == 1
    assert total.reports == 20
    # The reports of an action with nobody going nor here are not divided by anyone.
    assert (total.counted_reports, total.attendees) == (17, 45)
    assert total.per is Attendees.MIXED
    assert DayNumbers.added([CHECKED, CHECKED]).per is Attendees.HERE
    assert DayNumbers.added([NOBODY_HERE, NOBODY_AT_ALL]).per is Attendees.GOING
    nothing = DayNumbers.added([])
    assert (nothing.actions, nothing.safety, nothing.per) == (0, None, None)


def test_one_actions_day_reads_with_every_count_and_says_per_whom() -> None:
    assert day_lines(t, CHECKED) == [
        "On the day: 120 going, 37 here (30 confirmed by location)",
        "Safety check: 31 safe, 1 needs help, 5 no answer",
        "Reports per person here: 0.41 (15 reports, 37 here)",
    ]
    assert day_lines(t, NOBODY_HERE) == [
        "On the day: 8 going, 0 here (0 confirmed by location)",
        "Reports per person going (nobody checked in): 0.25 (2 reports, 8 going)",
    ]
    assert day_lines(t, NOBODY_AT_ALL) == ["On the day: 0 going, 0 here (0 confirmed by location)"]


def test_the_totals_say_how_many_actions_and_safety_checks_they_add_up() -> None:
    total = DayNumbers.added([CHECKED, NOBODY_HERE, NOBODY_AT_ALL])
    assert day_lines(t, total, total=True) == [
        "3 actions held so far: 128 going, 37 here (30 confirmed by location)",
        "Safety check at 1 action: 31 safe, 1 needs help, 5 no answer",
        "Reports per attendee (those here; those going where nobody checked in):"
        " 0.38 (17 reports, 45 attendees)",
    ]
    # Before any action was held, nothing to say.
    assert day_lines(t, DayNumbers.added([]), total=True) == []


def test_the_day_follows_the_other_counts_of_stats() -> None:
    lines = stats_text(t, STATS, "River Rally", NOBODY_HERE).splitlines()
    assert lines[0] == "<b>River Rally</b>"
    assert lines[-2:] == [
        "On the day: 8 going, 0 here (0 confirmed by location)",
        "Reports per person going (nobody checked in): 0.25 (2 reports, 8 going)",
    ]
    assert len(stats_text(t, STATS, "River Rally").splitlines()) == 4  # without a day


def test_the_day_in_serbian_agrees_with_each_number_and_writes_decimals_its_way() -> None:
    sr = catalogs.translator("sr")
    total = DayNumbers.added([CHECKED, DayNumbers.of(Attendance(2, 2, 1), None, 1)])
    assert day_lines(sr, total, total=True) == [
        "2 одржане акције до сада: 122 долазе, 39 овде (31 потврђен локацијом)",
        "Провера безбедности на 1 акцији: 31 безбедан, 1 треба помоћ, 5 без одговора",
        "Извештаји по присутној особи: 0,41 (16 извештаја, 39 овде)",
    ]
    latin = catalogs.translator("sr-Latn")
    assert (
        day_lines(latin, NOBODY_HERE)[0]
        == "Na dan akcije: 8 dolazi, 0 ovde (0 potvrđenih lokacijom)"
    )
    french = catalogs.translator("fr")
    assert day_lines(french, CHECKED)[2] == (
        "Comptes rendus par personne sur place : 0,41 (15 comptes rendus, 37 sur place)"
    )
