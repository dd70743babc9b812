"""How the progress of a broadcast reads."""

from __future__ import annotations

from babel.numbers import format_decimal

from turnout.i18n import N_, Translator
from turnout.storage import DeliveryCounts
from turnout.views.paid import paid_progress
from turnout.views.timefmt import babel_locale


def progress(t: Translator, counts: DeliveryCounts) -> str:
    """ "Delivered to 1,200 of 5,000 chats · 3 failed", in the reader's language and number
    format; the noun agrees with the total, the number it follows."""
    locale = babel_locale(t.language)

    def number(value: int) -> str:
        return format_decimal(value, locale=locale)

    text = t.plural(
        "delivery.done" if counts.done else "delivery.progress",
        counts.total,
        sent=number(counts.sent),
        count=number(counts.total),
    )
    if counts.failed:
        text += " · " + t.plural("delivery.failed", counts.failed, count=number(counts.failed))
    paid = paid_progress(t, counts)  # a paid broadcast: how many went paid, what they cost
    if paid is not None:
        text += " · " + paid
    return text


def changes(t: Translator, counts: DeliveryCounts, *, deleting: bool) -> str:
    """An edit or deletion of a call's copies: "Changing 7 copies." while it runs, then
    "Changed 7 of 7 copies." (with what failed), the total said at the end."""
    locale = babel_locale(t.language)
    if counts.done:
        key = N_("calls.deleted") if deleting else N_("calls.edited")
    else:
        key = N_("calls.deleting") if deleting else N_("calls.editing")
    text = t.plural(
        key,
        counts.total,
        done=format_decimal(counts.sent, locale=locale),
        count=format_decimal(counts.total, locale=locale),
    )
    if counts.failed:
        failed = format_decimal(counts.failed, locale=locale)
        text += " · " + t.plural("delivery.failed", counts.failed, count=failed)
    return text
