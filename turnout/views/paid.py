"""Paid broadcasts as people read them (README, "Paid broadcasts"): the sender's card before a
large broadcast goes out (what it costs in Stars, the bot's balance, how long either way takes),
the line an approver reads, the progress of the paid copies, and the notice that the Stars ran
out."""

from __future__ import annotations

import math

from babel.numbers import format_decimal
from babel.units import format_unit
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.delivery.stars import Estimate, stars_for
from turnout.i18n import Html, Translator
from turnout.storage import DeliveryCounts
from turnout.views.buttons import PromptButton
from turnout.views.reply import Reply
from turnout.views.timefmt import babel_locale, duration

#: The choices of the card's buttons.
PAY = "pay"
FREE = "free"
BACK = "back"
#: Up to this long a time is said in seconds ("about 20 seconds"), beyond it in minutes.
SECONDS_SAID = 90


def number(t: Translator, value: int) -> str:
    """A count in the reader's number format ("20,000", "20.000")."""
    return format_decimal(value, locale=babel_locale(t.language))


def stars(t: Translator, count: int) -> Html:
    """ "270 Stars" (HTML, to go into another message as it is)."""
    return Html(t.plural("paid.stars", count, count=number(t, count)))


def messages(t: Translator, count: int) -> Html:
    """ "3,000 messages"."""
    return Html(t.plural("paid.messages", count, count=number(t, count)))


def about(language: str, seconds: float) -> str:
    """How long, roughly, in the reader's words: seconds up to a minute and a half ("20
    seconds"), whole minutes beyond ("11 minutes", "1 hour and 7 minutes")."""
    if seconds < SECONDS_SAID:
        return format_unit(
            max(1, math.ceil(seconds)), "duration-second", locale=babel_locale(language)
        )
    return duration(language, max(1, round(seconds / 60)))


def whole_stars(balance: float) -> int:
    """A balance as the card says it: whole Stars, the fraction left out (never rounded up:
    "10 Stars" of a balance of 9.9 would promise one message too many)."""
    return max(0, math.floor(balance))


def seconds_with(offer: Estimate, covered: int) -> float:
    """How long the broadcast takes when the balance pays for only ``covered`` of its paid
    copies: both lanes together until those are spent, then the free lane alone."""
    if covered >= offer.paid_copies or offer.copies == 0:
        return offer.seconds_paid
    paid_rate = offer.copies / offer.seconds_paid
    free_rate = offer.copies / offer.seconds_free
    both = covered / (paid_rate - free_rate)  # the paid lane alone carries the paid copies
    rest = offer.copies - covered - free_rate * both
    return both + max(rest, 0.0) / free_rate


def card(
    t: Translator, prompt: int, offer: Estimate, balance: float | None, *, changed: bool = False
) -> Reply:
    """Before a large broadcast goes out, with a paid rate configured: how many messages, how
    long at the free rate and at the paid one, the cost, the bot's balance (and how many of the
    paid messages it pays for when that is not all); Pay (with the figure), Free rate, Back.

    With a balance known to pay for none of them, there is no Pay button: the card says to top
    it up (Back, then Publish again, reads the balance anew)."""
    lines = []
    if changed:
        lines += [t("paid.card.changed"), ""]
    lines.append(t.plural("paid.card.copies", offer.copies, count=number(t, offer.copies)))
    lines.append(t("paid.card.free", duration=about(t.language, offer.seconds_free)))
    lines.append(
        t.plural(
            "paid.card.paid",
            offer.stars,
            count=number(t, offer.stars),
            duration=about(t.language, offer.seconds_paid),
        )
    )
    covered = offer.covered_by(balance)
    if balance is None:
        lines.append(t("paid.card.balance_unknown"))
    else:
        lines.append(t("paid.card.balance", value=stars(t, whole_stars(balance))))
        if covered == 0:
            lines.append(t("paid.card.none"))
        elif covered < offer.paid_copies:
            lines.append(
                t.plural(
                    "paid.card.short",
                    covered,
                    count=number(t, covered),
                    duration=about(t.language, seconds_with(offer, covered)),
                )
            )
    lines += ["", t("paid.card.question")]
    pay = [] if balance is not None and covered == 0 else [pay_button(t, prompt, offer, balance)]
    free = PromptButton(prompt, FREE).button(t("paid.button.free"))
    back = PromptButton(prompt, BACK).button(t("paid.button.back"))
    return Reply("\n".join(lines), InlineKeyboardMarkup([*([pay] if pay else []), [free, back]]))


def pay_button(
    t: Translator, prompt: int, offer: Estimate, balance: float | None
) -> InlineKeyboardButton:
    """Pay, with what it costs at most: the paid messages the balance pays for."""
    spent = stars_for(offer.covered_by(balance))
    return PromptButton(prompt, PAY).button(t("paid.button.pay", value=stars(t, spent)))


def approval_line(t: Translator, offer: Estimate) -> str:
    """What an approver reads of a paid call: its author chose to pay, and about how much."""
    return t("paid.approval", value=stars(t, offer.stars), duration=about(t.language,
             offer.seconds_paid))  # fmt: skip


def paid_progress(t: Translator, counts: DeliveryCounts) -> str | None:
    """ "270 paid (27 Stars)", of a broadcast some of whose copies went out paid; None when
    none did."""
    if not counts.paid:
        return None
    spent = stars(t, stars_for(counts.paid))
    return t.plural("paid.progress", counts.paid, count=number(t, counts.paid), value=spent)


def ran_out(t: Translator, broadcast: Html, paid: int, left: int, seconds: float) -> str:
    """The sender told that the bot's Stars ran out during their ``broadcast`` (already in
    words: "call #12"), after ``paid`` paid copies, and that the ``left`` still to go, go at the
    free rate, in about ``seconds``."""
    lines = [t.plural("paid.ran_out", paid, what=broadcast, count=number(t, paid))]
    if left:
        lines.append(
            t("paid.ran_out_rest", what=messages(t, left), duration=about(t.language, seconds))
        )
    lines.append(t("paid.ran_out_top_up"))
    return "\n".join(lines)


def call_named(t: Translator, call: int) -> Html:
    """ "call #12", as the notice that the Stars ran out names it."""
    return Html(t("paid.call", id=call))


def alert_named(t: Translator, title: str | None) -> Html:
    """ "your alert about Bridge rally"."""
    return Html(t("paid.alert", title=title or "?"))
