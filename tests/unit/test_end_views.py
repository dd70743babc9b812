"""The end of an action where people read it: the Edit menu's Confirm step, a proposal's
summary, and the calendar file's DTEND; and the change a new start or end makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from tests.unit.test_reminder_planning import action
from turnout.i18n import Catalogs
from turnout.storage import Proposal, ProposalStatus
from turnout.usecases.actions import NewEnd, NewTime, changed, tells_members
from turnout.views.actions import edit_confirmation, edit_menu
from turnout.views.buttons import ActionField
from turnout.views.ics import action_calendar
from turnout.views.proposals import edit_fields, summary

t = Catalogs("en").translator("en")
START = datetime(2027, 6, 29, 16, 0, tzinfo=UTC)
DASH = "\N{EN DASH}"


def test_a_new_start_moves_the_end_and_the_confirm_step_shows_both() -> None:
    before = action(starts_at=START, ends_at=START + timedelta(hours=3))
    after = changed(before, NewTime(START + timedelta(days=1)))
    assert after.end == START + timedelta(days=1, hours=3)
    shown = edit_confirmation(t, before, after, ActionField.TIME, "Europe/Belgrade", tells=True)
    assert f"Now: Tue, Jun 29, 2027 6:00\u202fPM {DASH} 9:00\u202fPM CEST" in shown
    assert f"New: Wed, Jun 30, 2027 6:00\u202fPM {DASH} 9:00\u202fPM CEST" in shown


def test_a_new_end_keeps_the_start_and_tells_nobody() -> None:
    before = action(starts_at=START)
    after = changed(before, NewEnd(START + timedelta(hours=8)))
    assert (after.starts_at, after.end) == (START, START + timedelta(hours=8))
    assert not tells_members(NewEnd(after.end))
    shown = edit_confirmation(t, before, after, ActionField.END, "Europe/Belgrade")
    assert shown.splitlines()[0] == "<b>Rally</b> · End"
    assert (
        f"New: Tue, Jun 29, 2027 6:00\u202fPM CEST {DASH} Wed, Jun 30, 2027 2:00\u202fAM" in shown
    )


def test_end_is_offered_right_after_the_time_in_both_edit_menus() -> None:
    menu = edit_menu(t, action())
    assert menu.markup is not None
    names = [button.text for row in menu.markup.inline_keyboard for button in row]
    assert names[:3] == ["Title", "Time (postpone)", "End"]
    fields = edit_fields(t, 4).markup
    assert fields is not None
    assert [row[0].text for row in fields.inline_keyboard][:3] == ["Title", "Time", "End"]


def test_a_proposals_summary_shows_its_span_in_its_place() -> None:
    proposal = Proposal(
        id=3, proposer_id=9, title="Picket", description="", starts_at=START,
        timezone="Europe/Lisbon", place="", city_id=None, city="Lisbon", country="PT",
        latitude=None, longitude=None, expected=None, campaign_id=None,
        status=ProposalStatus.PENDING, reason=None, action_id=None,
        ends_at=START + timedelta(minutes=90),
    )  # fmt: skip
    assert f"Tue, Jun 29, 2027 5:00\u202fPM {DASH} 6:30\u202fPM WEST" in summary(t, proposal)


def test_the_calendar_file_ends_at_the_end() -> None:
    now = START - timedelta(days=1)
    for ends_at, end in ((None, START + timedelta(hours=2)), (START + timedelta(days=2),) * 2):
        data = action_calendar(action(starts_at=START, ends_at=ends_at), "t.me", "link", now)
        [event] = Calendar.from_ical(data).walk("VEVENT")
        assert (event.decoded("dtstart"), event.decoded("dtend")) == (START, end)
