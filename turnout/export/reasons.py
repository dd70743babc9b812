"""Why an item of a report was left out of an export or a publication, as the organiser reads
it: a message key, with the numbers it needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from babel.numbers import format_decimal

from turnout.export.errors import TooLarge
from turnout.i18n import Translator
from turnout.views.timefmt import babel_locale


@dataclass(frozen=True, slots=True)
class LeftOut:
    reason: str  # message key
    params: Mapping[str, int | float] = field(default_factory=dict)
    """Numbers the message shows, written in the reader's number format."""


def explain(t: Translator, left: LeftOut) -> str:
    """The reason, in the reader's language and number format."""
    if not left.params:
        return t(left.reason)
    locale = babel_locale(t.language)
    shown = {
        name: format_decimal(value, "#,##0.0" if isinstance(value, float) else None, locale)
        for name, value in left.params.items()
    }
    return t(left.reason, **shown)


def too_large(key: str, error: TooLarge) -> LeftOut:
    """A picture refused for its size: how many megapixels it has, and may have."""
    return LeftOut(key, {"megapixels": error.pixels / 1e6, "limit": error.limit // 1_000_000})
