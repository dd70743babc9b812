"""How the progress of a broadcast reads."""

from __future__ import annotations

from babel.numbers import format_decimal

from turnout.i18n import Translator
from turnout.storage import DeliveryCounts
from turnout.views.timefmt import babel_locale


def progress(t: Translator, counts: DeliveryCounts) -> str:
    """ "Delivered 1,200 of 5,000 · 3 failed", in the reader's language and number format."""
    locale = babel_locale(t.language)

    def number(value: int) -> str:
        return format_decimal(value, locale=locale)

    text = t(
        "delivery.done" if counts.done else "delivery.progress",
        sent=number(counts.sent),
        total=number(counts.total),
    )
    if counts.failed:
        text += " · " + t("delivery.failed", failed=number(counts.failed))
    return text
