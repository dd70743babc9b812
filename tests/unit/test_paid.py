"""Paid broadcasts, the pure parts: which broadcasts are offered the paid rate, when a press on
Pay still stands, the sender's card, the progress, the notice that the Stars ran out, and the
owners' notices."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup

from tests.conftest import NOW
from tests.unit.shown import seen
from turnout.delivery.stars import estimate
from turnout.i18n import Catalogs, Translator
from turnout.storage import DeliveryCounts
from turnout.storage.purposes import AlertCopy, CallCopy, CallEdit, Pinning, broadcast_of
from turnout.usecases.paid import Offer, still_as_shown, worth_paying
from turnout.views.buttons import PromptButton
from turnout.views.delivery import progress
from turnout.views.owners import Move, PaidRanOut, PaidStarted, Who, owner_notice
from turnout.views.paid import (
    PAY,
    about,
    alert_named,
    approval_line,
    call_named,
    card,
    ran_out,
    seconds_with,
)

LANGUAGES = ["en", "es", "fr", "sr", "sr-Latn"]
#: 20,000 copies at 25 a second free, 1,000 paid: 500 go free, 19,500 paid (1,950 Stars).
BIG = estimate(20_000, free_rate=25, paid_rate=1000)


def buttons(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str]]:
    assert markup is not None
    return [(b.text, str(b.callback_data)) for row in markup.inline_keyboard for b in row]


# -- which broadcasts are offered the paid rate ------------------------------------------------


def test_only_what_the_free_rate_takes_over_ten_seconds_to_send_is_offered_the_paid_rate() -> None:
    assert not worth_paying(250, 25, 1000)  # ten seconds exactly: paying saves too little
    assert worth_paying(251, 25, 1000)
    assert worth_paying(20_000, 25, 1000)
    assert not worth_paying(20_000, 25, None)  # no paid rate configured: nothing changes
    assert not worth_paying(0, 25, 1000)


def test_a_press_on_pay_stands_while_the_balance_pays_for_what_the_card_said() -> None:
    shown = Offer(BIG, 1000.0).covered
    assert shown == 10_000
    assert still_as_shown(Offer(BIG, 1000.0), shown)
    assert still_as_shown(Offer(BIG, 5000.0), shown)  # more Stars since: still agreed
    assert not still_as_shown(Offer(BIG, 999.9), shown)  # spent meanwhile: shown again
    assert not still_as_shown(Offer(BIG, 0.0), 0)  # the card had no Pay button
    assert still_as_shown(Offer(BIG, None), BIG.paid_copies)  # unknown: all, as shown
    assert not still_as_shown(Offer(BIG, 1000.0), None)  # no card was shown at all
    # Fewer copies now (someone unsubscribed) but still every paid one covered: agreed.
    fewer = estimate(19_000, free_rate=25, paid_rate=1000)
    assert still_as_shown(Offer(fewer, 10_000.0), BIG.paid_copies)


def test_a_broadcasts_copies_are_told_apart_from_its_other_rows() -> None:
    assert broadcast_of(CallCopy(12, "text").key) == ("call", 12)
    assert broadcast_of(CallCopy(12, "media").key) == ("call", 12)
    assert broadcast_of(AlertCopy(5).key) == ("alert", 5)
    assert broadcast_of(CallEdit(12, "20260101").key) is None
    assert broadcast_of(Pinning(AlertCopy(5).key).key) is None
    for forged in ("call:x:text", "call:12:other", "alert:", "alert:5:x", "call:-1:text", ""):
        assert broadcast_of(forged) is None, forged


# -- the card ----------------------------------------------------------------------------------


def test_the_card_says_copies_both_times_the_cost_and_the_balance(t: Translator) -> None:
    reply = card(t, 7, BIG, 2500.0)
    assert seen(reply.text).splitlines() == [
        "💫 This goes out as 20,000 messages.",
        "At the free rate it takes about 13 minutes.",
        "At the paid rate it takes about 20 seconds, for about 1,950 Stars of the bot's balance.",
        "The bot's balance: 2,500 Stars.",
        "",
        "Pay for the faster rate?",
    ]
    assert buttons(reply.markup) == [
        ("💫 Pay about 1,950 Stars", PromptButton(7, "pay").encode()),
        ("Free rate", PromptButton(7, "free").encode()),
        ("◀ Back", PromptButton(7, "back").encode()),
    ]


def test_a_balance_that_pays_for_part_says_how_many_and_how_long_in_all(t: Translator) -> None:
    reply = card(t, 7, BIG, 500.5)
    text = seen(reply.text)
    assert "The bot's balance: 500 Stars." in text
    assert (
        "That pays for only 5,005 of the faster messages; the rest go at the free rate,"
        " about 10 minutes in all." in text
    )
    # The button says what it can cost at most: what the balance pays for.
    assert buttons(reply.markup)[0][0] == "💫 Pay about 501 Stars"


def test_an_empty_balance_offers_no_pay_button(t: Translator) -> None:
    reply = card(t, 7, BIG, 0.0)
    assert "That pays for none of the faster messages" in seen(reply.text)
    assert [label for label, _ in buttons(reply.markup)] == ["Free rate", "◀ Back"]
    assert not any(data == PromptButton(7, PAY).encode() for _, data in buttons(reply.markup))


def test_an_unknown_balance_is_said_and_paying_still_allowed(t: Translator) -> None:
    reply = card(t, 7, BIG, None)
    assert "The bot's balance could not be read just now. You can still pay" in seen(reply.text)
    assert buttons(reply.markup)[0][0] == "💫 Pay about 1,950 Stars"


def test_a_card_shown_again_says_the_balance_changed(t: Translator) -> None:
    assert seen(card(t, 7, BIG, 10.0, changed=True).text).startswith(
        "⚠️ The bot's balance has changed since you saw the figures."
    )


def test_times_read_in_seconds_then_minutes(t: Translator) -> None:
    assert about("en", 0.2) == "1 second"
    assert about("en", 20) == "20 seconds"
    assert about("en", 89.5) == "90 seconds"
    assert about("en", 800) == "13 minutes"
    assert about("en", 4000) == "1 hour and 7 minutes"
    assert about("sr", 20) == "20 секунди"


def test_a_partly_paid_broadcast_takes_longer_the_less_is_paid_for() -> None:
    assert seconds_with(BIG, BIG.paid_copies) == BIG.seconds_paid
    assert seconds_with(BIG, 0) == pytest.approx(BIG.seconds_free)
    assert seconds_with(BIG, 10_000) == pytest.approx(400)
    assert BIG.seconds_paid < seconds_with(BIG, 15_000) < seconds_with(BIG, 5_000)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_card_reads_in_every_language(catalogs: Catalogs, language: str) -> None:
    t = catalogs.translator(language)
    for balance in (2500.0, 500.0, 0.0, None):
        text = card(t, 7, BIG, balance).text
        assert "paid." not in text  # no key left untranslated
        assert "20" in text


# -- progress, notices -------------------------------------------------------------------------


def test_the_progress_of_a_paid_broadcast_says_how_many_went_paid_and_their_cost(
    t: Translator,
) -> None:
    free = DeliveryCounts("call:1:text", sent=300)
    assert progress(t, free) == "Delivered to 300 of 300 chats"
    paid = DeliveryCounts("call:1:text", pending=100, sent=300, paid=271)
    assert progress(t, paid) == "Delivering… 300 of 400 chats reached · 271 paid (28 Stars)"


def test_the_sender_is_told_the_stars_ran_out_and_how_long_the_rest_takes(t: Translator) -> None:
    text = seen(ran_out(t, call_named(t, 12), 4000, 15_000, 600))
    assert text.splitlines() == [
        "⚠️ The bot's Stars ran out during call #12, after 4,000 paid messages.",
        "The other 15,000 messages go at the free rate: about 10 minutes.",
        "An owner can top up the bot's Stars in Telegram before the next paid broadcast.",
    ]
    alert = ran_out(t, alert_named(t, "<Bridge>"), 1, 0, 0)
    assert "your alert about <b>&lt;Bridge&gt;</b>, after 1 paid message." in alert
    assert "free rate" not in alert  # nothing left to go


def test_the_approver_reads_that_the_call_is_paid(t: Translator) -> None:
    assert approval_line(t, BIG) == (
        "💫 A paid broadcast: its author chose to pay about 1,950 Stars of the bot's balance"
        " to send it faster (about 20 seconds)."
    )


def test_owners_read_who_started_a_paid_broadcast_its_cost_and_the_balance(
    t: Translator,
) -> None:
    ana = Who(501, "Ana")
    call = owner_notice(t, Move(NOW, ana, PaidStarted(12, None, None, 20_000, 1950, 2500.7)), "UTC")
    assert seen(call).startswith(
        "🔐 Ana (501) started a paid broadcast: call #12, 20,000 messages, for about 1,950"
        " Stars. The bot's balance: 2,500 Stars."
    )
    alert = owner_notice(t, Move(NOW, ana, PaidStarted(None, 3, "Picket", 400, 39, None)), "UTC")
    assert (
        "started a paid broadcast: the urgent alert about Picket (action #3), 400 messages,"
        " for about 39 Stars. The bot's balance: unknown." in seen(alert)
    )
    ran = owner_notice(t, Move(NOW, Who(), PaidRanOut(12, None, None, ana, 4000, 15_000)), "UTC")
    assert (
        "The bot's Stars ran out during call #12 by Ana (501), after 4,000 paid messages;"
        " the other 15,000 messages go at the free rate." in seen(ran)
    )
    ran_alert = owner_notice(t, Move(NOW, Who(), PaidRanOut(None, 3, "Picket", ana, 1, 2)), "UTC")
    assert "the urgent alert about Picket (action #3) by Ana (501), after 1 paid message;" in seen(
        ran_alert
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_notices_read_in_every_language(catalogs: Catalogs, language: str) -> None:
    t = catalogs.translator(language)
    ana = Who(501, "Ana")
    for what in (
        PaidStarted(12, None, None, 20_000, 1950, 2500.0),
        PaidStarted(None, 3, "Picket", 400, 39, None),
        PaidRanOut(12, None, None, ana, 4000, 15_000),
        PaidRanOut(None, 3, "Picket", ana, 1, 2),
    ):
        text = owner_notice(t, Move(NOW, ana, what), "UTC")
        assert "paid." not in text and "501" in text
    assert "paid." not in ran_out(t, call_named(t, 12), 4000, 15_000, 600)
