from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.unit.test_reminder_planning import action
from turnout.i18n import Catalogs
from turnout.limits import MESSAGE_CHARACTERS
from turnout.storage import Member, Role
from turnout.views.actions import edit_confirmation
from turnout.views.buttons import ActionField, Subscription
from turnout.views.members import help_text, welcome
from turnout.views.timefmt import duration, local_time

t = Catalogs("en").translator("en")


def member(**changes: object) -> Member:
    values: dict[str, object] = {
        "user_id": 1,
        "first_name": "Ana <3",
        "language": "en",
        "timezone": "UTC",
        "subscribed": False,
        "reachable": True,
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(changes)
    return Member(**values)  # type: ignore[arg-type]


def buttons(markup: object) -> list[tuple[str, str]]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [(button.text, button.callback_data) for row in rows for button in row]


def test_welcome_greets_by_name_and_says_what_is_stored_in_two_lines() -> None:
    reply = welcome(t, member(), returning=False)
    lines = reply.text.splitlines()
    assert lines[0].startswith("Hello, Ana &lt;3!")
    assert "Telegram id" in lines[2]
    assert "phone number" in lines[3]
    assert buttons(reply.markup) == [("Subscribe to new calls", Subscription("on").encode())]


def test_welcome_back_offers_to_unsubscribe_a_subscriber() -> None:
    reply = welcome(t, member(subscribed=True), returning=True)
    assert reply.text.startswith("Welcome back")
    assert buttons(reply.markup) == [("Unsubscribe", Subscription("off").encode())]


def test_help_lists_the_given_commands_and_roles() -> None:
    text = help_text(
        t, [("start", "command.start"), ("grant", "command.grant")], frozenset({Role.OWNER})
    )
    assert "/start — " in text
    assert "/grant — " in text
    assert text.endswith("Your roles: owner")


def test_help_for_a_member_names_no_roles() -> None:
    assert "roles" not in help_text(t, [("start", "command.start")], frozenset())


def test_local_time_is_in_the_readers_zone() -> None:
    moment = datetime(2027, 6, 29, 15, 30, tzinfo=UTC)
    assert local_time(moment, "Europe/Belgrade", "en") == "Tue, Jun 29, 2027 5:30\u202fPM CEST"
    assert "17:30" in local_time(moment, "Europe/Belgrade", "fr")


def test_progress_reads_in_the_readers_number_format() -> None:
    from turnout.storage import DeliveryCounts
    from turnout.views.delivery import progress

    running = DeliveryCounts("call:1", pending=3797, claimed=3, sent=1200)
    assert progress(t, running) == "Delivering… 1,200 of 5,000 sent"
    done = DeliveryCounts("call:1", sent=4990, failed=10)
    assert progress(t, done) == (
        "Delivered to 4,990 of 5,000 · 10 failed (blocked the bot, left, or unreachable)"
    )


def test_media_are_shown_as_albums_of_their_kind_in_the_order_sent() -> None:
    from turnout.storage import ReportMedia
    from turnout.views.review import media_batches

    def item(kind: str, n: int) -> ReportMedia:
        return ReportMedia(kind, f"F{n}", f"U{n}", None, None, None, None, None, None, None, n)

    kinds = ["photo", "video", "photo", "document", "document", "voice", "photo"] + ["photo"] * 11
    media = [item(kind, n) for n, kind in enumerate(kinds)]
    batches = [[m.message_id for m in batch] for batch in media_batches(media)]
    assert batches == [[0, 1, 2], [3, 4], [5], [6, *range(7, 16)], [16, 17]]
    assert media_batches([]) == []


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (15, "15 minutes"),
        (90, "1 hour and 30 minutes"),
        (120, "2 hours"),
        (1440, "24 hours"),
        (2 * 1440 + 90, "2 days, 1 hour, and 30 minutes"),
        (10 * 1440, "10 days"),
    ],
)
def test_durations_are_said_exactly(minutes: int, said: str) -> None:
    assert duration("en", minutes) == said


def test_a_duration_in_spanish_has_no_unit_list_style_and_still_reads() -> None:
    assert duration("es", 90) == "1 hora y 30 minutos"


def test_a_confirmation_of_two_long_descriptions_fits_one_message_and_shows_the_new_whole() -> None:
    before = action(description="<b>" * 500)  # 1,500 characters, 2,000 once escaped
    after = replace(before, description="Bring water & warm clothes. " * 71)  # 1,988
    text = edit_confirmation(t, before, after, ActionField.DESCRIPTION, "UTC", tells=True)
    assert len(text) <= MESSAGE_CHARACTERS
    assert html.escape(after.description, quote=False) in text
    assert "…" in text
