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
    assert progress(t, running) == "Delivering… 1,200 of 5,000 chats reached"
    done = DeliveryCounts("call:1", sent=4990, failed=10)
    assert progress(t, done) == (
        "Delivered to 4,990 of 5,000 chats · 10 failed (blocked the bot, left, or unreachable)"
    )
    assert progress(t, DeliveryCounts("call:2", sent=1)) == "Delivered to 1 of 1 chat"
    sr = Catalogs("en").translator("sr")
    one_failed = DeliveryCounts("call:3", sent=20, failed=1)
    assert progress(sr, one_failed) == (
        "Достављено у 20 од 21 разговора"  # noqa: RUF001 - a Serbian preposition
        " · 1 неуспешан (блокирали бота, напустили или недоступни)"
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


# -- counts: every number with the words that agree with it -----------------------------------


def stats(**changes: object) -> object:
    from turnout.storage import Answer, ReportStatus, Stats

    values: dict[str, object] = {
        "rsvps": {Answer.GOING: 1, Answer.MAYBE: 1},
        "reports": {ReportStatus.PENDING: 1, ReportStatus.DRAFT: 4},
        "members": 1,
        "subscribers": 0,
        "reachable": 1,
    }
    values.update(changes)
    return Stats(**values)  # type: ignore[arg-type]


def test_stats_say_each_count_with_its_noun() -> None:
    from turnout.views.stats import stats_text

    text = stats_text(t, stats(), "River & co")  # type: ignore[arg-type]
    assert text.splitlines() == [
        "<b>River &amp; co</b>",
        "2 RSVPs: 1 going, 1 maybe, 0 can't go, 0 on the waitlist",
        "1 report: 1 waiting for review, 0 approved, 0 not accepted, 0 set aside",
        "1 member (1 reachable, 0 subscribed to calls)",
    ]
    sr = Catalogs("en").translator("sr")
    text = stats_text(sr, stats(members=22, reachable=21, subscribers=5), "Све")  # type: ignore[arg-type]
    assert text.splitlines()[1:] == [
        "2 одговора: 1 долази, 1 можда, 0 не може, 0 на листи чекања",
        "1 извештај: 1 чека преглед, 0 одобрених, 0 неприхваћених, 0 издвојених",
        "22 члана (21 доступан, 5 претплаћених на позиве)",
    ]


def test_the_forgetme_summary_lists_only_what_there_was_as_the_language_lists() -> None:
    from turnout.storage import Forgotten
    from turnout.views.privacy import forgotten_text

    gone = Forgotten(roles=0, answers=2, reports=1, media=0, messages=1, promoted=())
    text = forgotten_text(t, gone, "Forgotten 3F9A1C2E")
    assert text.startswith(
        "Done. Deleted: your profile, 2 answers to actions, 1 report, and 1 message to you. "
    )
    assert "Forgotten 3F9A1C2E" in text
    es = forgotten_text(Catalogs("en").translator("es"), gone, "Forgotten 3F9A1C2E")
    assert "tu perfil, 2 respuestas a acciones, 1 informe y 1 mensaje para ti." in es


def test_the_export_summary_agrees_with_each_count_and_leaves_out_nothing_left_out() -> None:
    from turnout.views.exports import export_summary, kept_on_server

    assert export_summary(t, 1, 1, 1, 1).startswith(
        "Export ready: 1 report, 1 RSVP and 1 file (1 left out, with its reason in reports.csv)."
    )
    assert export_summary(t, 3, 0, 5, 0).startswith("Export ready: 3 reports, 0 RSVPs and 5 files.")
    fr = Catalogs("en").translator("fr")
    assert "Il fait 130\u202fMo," in kept_on_server(fr, 130 * 1024 * 1024, "/x.zip")


def test_a_newcall_summary_names_what_it_got() -> None:
    from turnout.views.calls import composed

    assert composed(t, ["photo", "photo", "video"], 1) == (
        "Got it: 2 photos, 1 video, 1 character of text."
    )
    assert composed(t, ["document"], 0) == "Got it: 1 document."
    assert composed(t, [], 120) == "Got it: 120 characters of text."


def test_a_card_counts_answers_and_places_with_their_nouns() -> None:
    from turnout.storage import RsvpCounts
    from turnout.views.actions import card

    shown = card(t, action(capacity=1), RsvpCounts(going=1, waitlisted=1), None, "UTC").text
    assert "1 going · 0 maybe" in shown
    assert "1 place, 0 free" in shown
    assert "1 on the waitlist" in shown
    sr = Catalogs("en").translator("sr")
    shown = card(sr, action(capacity=25), RsvpCounts(going=22), None, "UTC").text
    assert "22 долазе · 0 можда" in shown
    assert "25 места, 3 слободна" in shown


# -- a report about no particular action, and the pseudonym's word ------------------------------


def test_a_report_about_no_action_gets_a_sentence_of_its_own() -> None:
    from turnout.storage import Report, ReportStatus
    from turnout.views.reports import my_reports, review_notices, summary
    from turnout.views.review import member_told

    report = Report(
        id=7, user_id=1, action_id=None, action_chosen=True, text="hi", latitude=None,
        longitude=None, status=ReportStatus.PENDING, review_note=None, media=(), submitted_at=None,
    )  # fmt: skip
    assert summary(t, report, None).text == (
        "Your report, not about any particular action: text. Submit it?"
    )
    assert summary(t, report, "Rally").text == "Your report about <b>Rally</b>: text. Submit it?"
    assert member_told(t, 7, ReportStatus.APPROVED, None, None) == (
        "Your report #7 was approved. Thank you!"
    )
    assert "#7 · no particular action · waiting for review" in my_reports(t, [report], {}).text
    notice = review_notices(t, [(report, None, "Member 7F3A-9C2K-Q4B0")])
    assert notice.startswith("New report #7, not about any particular action: text.")
    sr = Catalogs("en").translator("sr")
    assert "Шаље: Члан 7F3A-9C2K-Q4B0." in review_notices(
        sr, [(report, None, "Member 7F3A-9C2K-Q4B0")]
    )
    assert "other" not in summary(t, report, None).text


def test_organisers_read_the_pseudonyms_word_in_their_language() -> None:
    from turnout.views.members import pseudonym_in

    sr_latn = Catalogs("en").translator("sr-Latn")
    assert pseudonym_in(sr_latn, "Member 7F3A-9C2K-Q4B0 (Ana)") == "Član 7F3A-9C2K-Q4B0 (Ana)"
    assert pseudonym_in(t, "Member 7F3A-9C2K-Q4B0") == "Member 7F3A-9C2K-Q4B0"
    assert pseudonym_in(sr_latn, "Forgotten 3F9A1C2E") == "Forgotten 3F9A1C2E"


def test_a_campaign_counts_with_nouns_and_names_cities_for_the_reader() -> None:
    from turnout.storage import Campaign, CampaignOverview, PlaceCount
    from turnout.views.campaigns import overview

    numbers = CampaignOverview(
        campaign=Campaign(1, "Clean Air"),
        places=(PlaceCount("RS", "Belgrade", 2, 792680), PlaceCount("RS", "Somewhere", 1, 9)),
        actions=3, going=1, reports=0, hosts=1, calls=2,
    )  # fmt: skip
    sr = Catalogs("en").translator("sr")

    def city_name(city_id: int | None, stored: str) -> str:
        return "Београд" if city_id == 792680 else stored

    text = overview(sr, numbers, ("p", "n"), created=False, city_name=city_name).text
    assert "3 акције · 1 долази · 0 извештаја · 1 домаћин · 2 позива" in text
    assert "• Београд: 2" in text and "• Somewhere: 1" in text
    english = overview(t, numbers, ("p", "n"), created=False).text
    assert "3 actions · 1 going · 0 reports · 1 host · 2 calls" in english
    assert "• Belgrade: 2" in english
