from __future__ import annotations

from datetime import UTC, datetime

from turnout.i18n import Catalogs
from turnout.storage import Member, Role
from turnout.views.buttons import Subscription
from turnout.views.members import help_text, welcome
from turnout.views.timefmt import local_time

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
