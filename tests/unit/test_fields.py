"""The rules of what people type into an action's fields (``usecases.fields``)."""

from __future__ import annotations

import pytest

from turnout.limits import LONGEST_REMINDER, TITLE_CHARACTERS
from turnout.usecases import fields
from turnout.usecases.errors import Invalid


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b\u2060\ufeff", "\u00a0\u3000", "\u202e"])
def test_a_title_that_shows_nothing_is_refused(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        fields.title(text)
    assert refused.value.key == "newaction.bad_title"


@pytest.mark.parametrize("text", ["Picket", "<b>not bold</b>", "Протест 🚲", "\u200bRally"])
def test_a_title_is_kept_as_typed_without_the_outer_spaces(text: str) -> None:
    assert fields.title(f"  {text} ") == text


def test_a_title_has_a_limit() -> None:
    assert fields.title("x" * TITLE_CHARACTERS) == "x" * TITLE_CHARACTERS
    with pytest.raises(Invalid):
        fields.title("x" * (TITLE_CHARACTERS + 1))


def test_an_invisible_place_or_campaign_name_is_refused() -> None:
    with pytest.raises(Invalid):
        fields.place_name("\u200b")
    with pytest.raises(Invalid):
        fields.campaign_name("\ufeff \u2060")


def test_reminders_are_minutes_before_largest_first() -> None:
    assert fields.reminders("2h, 24h 15m,2h") == (1440, 120, 15)
    assert fields.reminders("none", may_clear=True) == ()


@pytest.mark.parametrize(
    "text", ["", "soon", "2 weeks", "99999999999d", "1000000d", f"{LONGEST_REMINDER.days + 1}d"]
)
def test_reminders_that_cannot_be_are_refused(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        fields.reminders(text)
    assert refused.value.key == "newaction.bad_reminders"


def test_the_longest_reminder_is_allowed() -> None:
    assert fields.reminders(f"{LONGEST_REMINDER.days}d") == (LONGEST_REMINDER.days * 24 * 60,)


@pytest.mark.parametrize("text", ["٣", "²", "-5", "0", "1e3", "99999999999999999"])
def test_a_capacity_is_a_whole_number_in_ascii_digits(text: str) -> None:
    with pytest.raises(Invalid):
        fields.capacity(text)
