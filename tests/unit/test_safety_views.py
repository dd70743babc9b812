"""The messages after an action's end (views/safety.py): what people read and press."""

from __future__ import annotations

import pytest

from tests.unit.test_reminder_planning import action
from turnout.i18n import Catalogs
from turnout.storage import Safety
from turnout.views.buttons import ReportOn, SafetyReply, ShareContact
from turnout.views.safety import (
    Team,
    contact,
    photo_ask,
    safety_buttons,
    safety_check,
    share_question,
    team_message,
)

catalogs = Catalogs("en")
t = catalogs.translator("en")


def pressed(markup: object) -> list[tuple[str, str]]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [(button.text, button.callback_data) for row in rows for button in row]


def test_a_way_to_reach_someone_is_a_mention_and_their_username_escaped() -> None:
    assert contact("Ana <b>", 42, "ana_x") == '<a href="tg://user?id=42">Ana &lt;b&gt;</a> (@ana_x)'
    assert contact("Ben", 7, None) == '<a href="tg://user?id=7">Ben</a>'


def test_the_team_hears_who_needs_help_where_and_how_to_reach_them() -> None:
    text = team_message(t, action(title="Picket <at> the bridge"), contact("Ana", 42, None))
    assert "Picket &lt;at&gt; the bridge" in text
    assert '<a href="tg://user?id=42">Ana</a>' in text


def test_are_you_safe_has_both_answers_and_marks_the_one_given() -> None:
    check = safety_check(t, action(id=9, title="Rally"), 1)
    assert "Rally" in check.text
    assert pressed(check.markup) == [
        ("✅ I'm safe", SafetyReply(9, Safety.SAFE).encode()),
        ("🆘 I need help", SafetyReply(9, Safety.HELP).encode()),
    ]
    assert [label for label, _ in pressed(safety_buttons(t, 9, Safety.HELP))] == [
        "✅ I'm safe",
        "✓ 🆘 I need help",
    ]
    assert "Asking once more" in safety_check(t, action(), 2).text


@pytest.mark.parametrize(
    ("team", "said"),
    [
        (Team.CHAT, "safety team (their group chat)"),
        (Team.ORGANISERS, "the organisers of this action"),
        (Team.ORGANISERS_AND_HOST, "the organisers and the host of this action"),
    ],
)
def test_sharing_is_asked_saying_who_would_be_told(team: Team, said: str) -> None:
    question = share_question(t, 9, team)
    assert said in question.text
    assert [data for _, data in pressed(question.markup)] == [
        ShareContact(9, True).encode(),
        ShareContact(9, False).encode(),
    ]


@pytest.mark.parametrize("language", ["en", "es", "fr", "sr", "sr-Latn"])
def test_the_thank_you_opens_a_report_about_the_action_in_every_language(language: str) -> None:
    ask = photo_ask(catalogs.translator(language), action(id=9, title="Rally"))
    assert "<b>Rally</b>" in ask.text
    assert [data for _, data in pressed(ask.markup)] == [ReportOn(9).encode()]
