"""Reading a command's arguments, with a short answer when they are wrong."""

from __future__ import annotations

from turnout.handlers.common.context import TurnoutContext
from turnout.usecases.errors import Invalid

MAX_DIGITS = 16  # Telegram ids fit in 52 bits (channels: -100 and 10 digits more)


def as_id(text: str) -> int | None:
    """A number typed, or None: ASCII digits only ("²" is a digit to Python, and int()
    refuses it), and no more than an id can have."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def action_number(context: TurnoutContext, usage: str) -> int | None:
    """The action number a command may be given (``/export 12``); None when there is none.
    Anything else is answered with ``usage`` (a message key)."""
    argument = (context.args or [""])[0]
    if not argument:
        return None
    number = as_id(argument)
    if number is None:
        raise Invalid(usage)
    return number


def words(context: TurnoutContext) -> str:
    """Everything after the command, as typed."""
    return " ".join(context.args or ()).strip()
