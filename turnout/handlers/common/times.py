"""A time typed as the answer to a question: read in a zone, or answered with why not, or with
one button per reading when it can mean two moments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from turnout.handlers.common.flows import Turn
from turnout.scheduler.timeparse import Ambiguous, Parsed, parse_time
from turnout.views.timefmt import readings, refusal


async def read_time(
    turn: Turn[Any], text: str, zone: str
) -> datetime | tuple[datetime, ...] | None:
    """The moment ``text`` names in ``zone``. None: refused, and the reason was said. A tuple:
    it can mean either, and each reading was offered as a ``pick`` button (its index)."""
    t = turn.t
    reading = parse_time(text.strip(), zone, turn.context.now())
    if isinstance(reading, Ambiguous):
        await turn.say(readings(t, turn.prompt.id, reading, zone))
        return reading.options
    if isinstance(reading, Parsed):
        return reading.at
    await turn.say(refusal(t, reading, zone))
    return None


def picked(options: list[datetime], value: int | None) -> datetime | None:
    """The reading a ``pick`` button chose; None for one that is not among them."""
    return options[value] if value is not None and 0 <= value < len(options) else None
