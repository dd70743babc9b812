"""Urgent alerts' pure rules and views: when an action's alerts are open, which actions come
first, what text is accepted, and how an alert reads in each language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.test_reminder_planning import action
from turnout.i18n import Catalogs
from turnout.limits import ACTION_DAY_LATEST, ALERT_CHARACTERS
from turnout.storage import ActionStatus, Audience
from turnout.usecases.alerts import ALERTS_OPEN, alerts_open, by_urgency, checked_text
from turnout.usecases.errors import Invalid
from turnout.views.alerts import alert_message, audience_choice, mute_markup, preview
from turnout.views.buttons import MuteAlerts

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
catalogs = Catalogs("en")
t = catalogs.translator("en")


def test_alerts_open_a_day_before_the_start_and_close_a_while_after_the_end() -> None:
    rally = action(starts_at=NOW, ends_at=NOW + timedelta(hours=3))
    assert not alerts_open(rally, NOW - ALERTS_OPEN - timedelta(seconds=1))
    assert alerts_open(rally, NOW - ALERTS_OPEN)
    assert alerts_open(rally, NOW + timedelta(hours=1))
    assert alerts_open(rally, rally.end + ACTION_DAY_LATEST - timedelta(seconds=1))
    assert not alerts_open(rally, rally.end + ACTION_DAY_LATEST)
    # Cancelled before it began: nobody is there. Cancelled while under way (dispersed):
    # those still there need alerts most.
    cancelled = action(starts_at=NOW, status=ActionStatus.CANCELLED)
    assert not alerts_open(cancelled, NOW - timedelta(minutes=5))
    assert alerts_open(cancelled, NOW + timedelta(minutes=5))


def test_actions_under_way_come_first_then_the_soonest_then_those_just_over() -> None:
    over = action(id=1, starts_at=NOW - timedelta(hours=4), ends_at=NOW - timedelta(hours=1))
    later = action(id=2, starts_at=NOW + timedelta(hours=20))
    soon = action(id=3, starts_at=NOW + timedelta(hours=1))
    going_on = action(id=4, starts_at=NOW - timedelta(minutes=30))
    long_ago_over = action(
        id=5, starts_at=NOW - timedelta(hours=9), ends_at=NOW - timedelta(hours=8)
    )
    ordered = by_urgency([over, later, soon, going_on, long_ago_over], NOW)
    assert [a.id for a in ordered] == [4, 3, 2, 1, 5]


def test_an_alert_is_not_empty_nor_longer_than_the_limit() -> None:
    assert checked_text("  Police at the bridge \n") == "Police at the bridge"
    with pytest.raises(Invalid):
        checked_text("\u200b\u200d\u2060")  # invisible: an empty URGENT pinned everywhere
    with pytest.raises(Invalid) as empty:
        checked_text(" \n\t")
    assert empty.value.key == "alert.empty"
    assert checked_text("x" * ALERT_CHARACTERS) == "x" * ALERT_CHARACTERS
    with pytest.raises(Invalid) as long:
        checked_text("x" * (ALERT_CHARACTERS + 1))
    assert long.value.key == "alert.too_long"
    assert "600 characters" in long.value.text(t)


def test_an_alert_reads_urgent_with_its_title_and_the_text_escaped() -> None:
    rally = action(title="Bridge <b>rally</b>")
    message = alert_message(t, rally, "Walk to the <north> gate & wait")
    assert message.text.startswith("🚨 <b>URGENT · Bridge &lt;b&gt;rally&lt;/b&gt;</b>")
    assert "Walk to the &lt;north&gt; gate &amp; wait" in message.text
    assert message.markup is not None
    [[button]] = message.markup.inline_keyboard
    assert button.text == "🔕 Mute alerts for this action"
    assert MuteAlerts.decode(str(button.callback_data)) == MuteAlerts(rally.id, True)
    payload = message.to_payload()
    assert payload.buttons[0][0].callback_data == button.callback_data


@pytest.mark.parametrize("language", ["en", "es", "fr", "sr", "sr-Latn"])
def test_the_mute_button_turns_over_in_every_language(language: str) -> None:
    tr = catalogs.translator(language)
    [[mute]] = mute_markup(tr, 7, False).inline_keyboard
    [[unmute]] = mute_markup(tr, 7, True).inline_keyboard
    assert MuteAlerts.decode(str(mute.callback_data)) == MuteAlerts(7, True)
    assert MuteAlerts.decode(str(unmute.callback_data)) == MuteAlerts(7, False)
    assert mute.text != unmute.text


def test_the_audiences_show_how_many_each_reaches() -> None:
    reply = audience_choice(t, 5, action(), {Audience.GOING: 5000, Audience.HERE: 1})
    assert reply.markup is not None
    labels = [button.text for row in reply.markup.inline_keyboard for button in row]
    assert labels == ["Everyone going (5000)", "Only those checked in (1)", "Cancel"]


def test_the_preview_shows_the_alert_exactly_and_whom_it_reaches() -> None:
    rally = action(title="Rally")
    reply = preview(t, 5, rally, Audience.HERE, 1, "Go north")
    assert alert_message(t, rally, "Go north").text in reply.text
    assert "It goes to 1 person checked in at <b>Rally</b>." in reply.text
    assert reply.markup is not None
    labels = [button.text for row in reply.markup.inline_keyboard for button in row]
    assert labels == ["🚨 Send now", "✏️ Change", "Cancel"]
