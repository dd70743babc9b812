"""A time typed in a conversation: read in a zone, or answered with why not, or with one
button per reading when it can mean two moments. One place for what every step that asks
"when?" says."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from turnout.bot.context import TurnoutContext
from turnout.i18n import N_
from turnout.scheduler.timeparse import Ambiguous, Parsed, Refused, parse_time
from turnout.views.timefmt import local_time

REFUSALS = {
    "unreadable": N_("time.unreadable"),
    "no_time": N_("time.no_time"),
    "past": N_("time.past"),
    "dst_gap": N_("time.dst_gap"),
}
AMBIGUITIES = {
    "day_month": N_("time.ambiguous_day_month"),
    "dst_repeat": N_("time.ambiguous_dst_repeat"),
}


async def read_time(
    update: Update, context: TurnoutContext, zone: str, pick: str
) -> datetime | tuple[datetime, ...] | None:
    """The moment the message names in ``zone``. ``None``: refused, and the reason was said.
    A tuple: it can mean either, and each reading was offered as a button ``<pick>:<n>``."""
    message, t = update.effective_message, context.t
    assert message is not None
    reading = parse_time((message.text or "").strip(), zone, context.now())
    if isinstance(reading, Refused):
        hint = local_time(reading.suggestion, zone, t.language) if reading.suggestion else ""
        await message.reply_text(t(REFUSALS[reading.reason], suggestion=hint, timezone=zone))
        return None
    if isinstance(reading, Ambiguous):
        rows = [
            [
                InlineKeyboardButton(
                    local_time(option, zone, t.language), callback_data=f"{pick}:{n}"
                )
            ]
            for n, option in enumerate(reading.options)
        ]
        await message.reply_text(
            t(AMBIGUITIES[reading.reason]), reply_markup=InlineKeyboardMarkup(rows)
        )
        return reading.options
    assert isinstance(reading, Parsed)
    return reading.at
