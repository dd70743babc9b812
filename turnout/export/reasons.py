"""Why an item of a report was left out of an export or a publication, as the organiser reads
it: a message key, with the numbers it needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from babel.units import format_unit

from turnout.export.errors import TooLarge
from turnout.i18n import Translator
from turnout.views.timefmt import babel_locale


@dataclass(frozen=True, slots=True)
class LeftOut:
    reason: str  # message key
    params: Mapping[str, int | float] = field(default_factory=dict)
    """Amounts the message shows, each of ``unit``."""
    unit: str = "graphics-megapixel"
    """A CLDR unit: the amounts are written with it as the reader's language writes that many
    ("25.0 megapixels", "25,0 мегапиксела", "1 megapíxel")."""


def explain(t: Translator, left: LeftOut) -> str:
    """The reason, in the reader's language and number format."""
    if not left.params:
        return t(left.reason)
    locale = babel_locale(t.language)
    shown = {
        name: format_unit(
            value, left.unit, format="#,##0.0" if isinstance(value, float) else None, locale=locale
        )
        for name, value in left.params.items()
    }
    return t(left.reason, **shown)


def too_large(key: str, error: TooLarge) -> LeftOut:
    """A picture refused for its size: how many megapixels it has, and may have."""
    return LeftOut(key, {"size": error.pixels / 1e6, "largest": error.limit // 1_000_000})
