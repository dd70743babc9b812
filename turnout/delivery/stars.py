"""What a paid broadcast costs: Telegram's fee, and how the outbox splits a broadcast.

With ``TURNOUT_PAID_BROADCAST_RATE`` the outbox sends a paid broadcast's copies in two lanes at
once: the free lane at ``TURNOUT_RATE_LIMIT`` (as every other message), and the paid lane at the
difference, each copy of which carries ``allow_paid_broadcast`` and costs ``STARS_PER_MESSAGE``
from the bot's balance (Bot API, ``sendMessage``). So of ``n`` copies about ``n * free / paid``
go free and the rest are paid. Pure arithmetic, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Telegram's fee for one message sent with ``allow_paid_broadcast``.
STARS_PER_MESSAGE = 0.1


@dataclass(frozen=True, slots=True)
class Estimate:
    """A paid broadcast before it starts: what it costs and how long either way takes."""

    copies: int
    paid_copies: int
    """Copies expected to go out paid; the rest fit in the free lane."""
    stars: int
    """The cost of the paid copies, rounded up to whole Stars."""
    seconds_paid: float
    """How long the broadcast takes at the paid rate."""
    seconds_free: float
    """How long it would take at the free rate alone."""

    def covered_by(self, balance: float | None) -> int:
        """How many of the paid copies ``balance`` Stars pay for (all when it is unknown: the
        outbox finds out as it goes, and falls back to the free rate when the Stars run out)."""
        if balance is None:
            return self.paid_copies
        return min(self.paid_copies, messages_for(balance))


def estimate(copies: int, *, free_rate: float, paid_rate: float) -> Estimate:
    """``copies`` sent by a broadcast whose sender pays: free lane ``free_rate`` a second,
    both lanes together ``paid_rate``."""
    if copies <= 0:
        return Estimate(0, 0, 0, 0.0, 0.0)
    free_copies = min(copies, math.floor(copies * free_rate / paid_rate))
    paid_copies = copies - free_copies
    return Estimate(
        copies=copies,
        paid_copies=paid_copies,
        stars=stars_for(paid_copies),
        seconds_paid=copies / paid_rate,
        seconds_free=copies / free_rate,
    )


def stars_for(messages: int) -> int:
    """What ``messages`` paid copies cost, in whole Stars (rounded up)."""
    # In tenths, as integers: 0.1 * 3 is not 0.3 in floating point.
    tenths = round(STARS_PER_MESSAGE * 10)
    return -(-messages * tenths // 10)


def messages_for(balance: float) -> int:
    """How many paid copies a balance of ``balance`` Stars pays for."""
    if balance <= 0:
        return 0
    return math.floor(round(balance * 1e9) / round(STARS_PER_MESSAGE * 1e9))
