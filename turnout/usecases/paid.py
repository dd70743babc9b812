"""Paid broadcasts (README, "Paid broadcasts"): with ``TURNOUT_PAID_BROADCAST_RATE`` set, the
sender of a large call or alert is shown what going faster costs in Stars, and the bot's
balance, and chooses; the outbox then sends the copies above the free rate with
``allow_paid_broadcast``. When the Stars run out part-way, the outbox goes on at the free rate
and tells ``stars_ran_out``, which tells each sender.

The choice itself is made in the flows (``handlers/newcall.py``, ``handlers/alert.py``), kept
with the call or the alert, and audited when the broadcast starts (``storage/paid.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from turnout.delivery import Payload
from turnout.delivery.stars import Estimate, estimate
from turnout.storage.paid import PaidBroadcast, PaidStart
from turnout.storage.purposes import broadcast_of
from turnout.usecases.services import Services
from turnout.views.paid import alert_named, call_named, ran_out

log = logging.getLogger(__name__)

#: A broadcast the free rate sends within this many seconds is not offered the paid rate: the
#: seconds paying would save are not worth a question, nor the Stars.
WORTH_PAYING_SECONDS = 10


def worth_paying(copies: int, free_rate: float, paid_rate: float | None) -> bool:
    """Whether a broadcast of ``copies`` is offered the paid rate: one is configured, and the
    free rate would take longer than ``WORTH_PAYING_SECONDS``."""
    return paid_rate is not None and copies > free_rate * WORTH_PAYING_SECONDS


@dataclass(frozen=True, slots=True)
class Offer:
    """What the sender's card shows: the estimate, and the bot's balance read just now."""

    estimate: Estimate
    balance: float | None
    """In Stars; None when Telegram did not say (the sender may still pay)."""

    @property
    def covered(self) -> int:
        """How many of the paid copies the balance pays for."""
        return self.estimate.covered_by(self.balance)


def still_as_shown(offer: Offer, shown: int | None) -> bool:
    """Whether a press on Pay is taken as agreed to ``offer`` (the balance read at the press),
    the card having said the balance pays for ``shown`` paid copies: it still pays for as many
    (or for all, when there are fewer now), and for some. A card that said it pays for none
    had no Pay button: a press on Pay then is an old or a forged one."""
    if shown is None or (offer.balance is not None and offer.covered == 0):
        return False
    return offer.covered >= min(shown, offer.estimate.paid_copies)


def estimated(s: Services, copies: int) -> Estimate | None:
    """What ``copies`` would cost paid, at the rates configured now; None without a paid rate."""
    rate = s.settings.paid_broadcast_rate
    if rate is None:
        return None
    return estimate(copies, free_rate=s.settings.rate_limit, paid_rate=rate)


async def balance(s: Services) -> float | None:
    """The bot's Stars, asked of Telegram now; None when it does not answer (the sender is told
    the balance is unknown, and may still pay: the outbox finds out as it goes)."""
    return await s.outbox.star_balance()


def worth(s: Services, copies: int) -> bool:
    """Whether a broadcast of ``copies`` is offered the paid rate now (``worth_paying``)."""
    return worth_paying(copies, s.settings.rate_limit, s.settings.paid_broadcast_rate)


async def offer(s: Services, copies: int) -> Offer | None:
    """The card for a broadcast of ``copies``, with the balance read now; None without a paid
    rate configured."""
    found = estimated(s, copies)
    return None if found is None else Offer(found, await balance(s))


async def start(s: Services, sender: int, copies: int) -> PaidStart | None:
    """A broadcast its sender chose to pay for, as it starts: the estimate and the balance now,
    for its audit entry. None when no paid rate is configured any more (it was switched off
    since a scheduled call was chosen paid): then it goes at the free rate, and costs nothing."""
    found = estimated(s, copies)
    if found is None:
        return None
    return PaidStart(sender, copies, found.stars, await balance(s))


# -- when the Stars run out ------------------------------------------------------------------


def teller(s: Services) -> Callable[[list[str]], Awaitable[None]]:
    """``stars_ran_out`` bound to ``s``, as the outbox calls it (``Outbox.on_stars_exhausted``)."""

    async def tell(purposes: list[str]) -> None:
        await stars_ran_out(s, purposes)

    return tell


async def stars_ran_out(s: Services, purposes: list[str]) -> int:
    """The outbox reports that the bot's Stars ran out, and that the copies of ``purposes``
    still waiting go on at the free rate: each paid broadcast's sender is told, once, after how
    many paid copies, and about how long the rest takes; audited (``broadcast:paid_ran_out``),
    so the owners hear of it. Reported again (a restart, a second running out after a top-up),
    nobody is told twice. Returns how many senders were told now."""
    broadcasts = sorted({found for key in purposes if (found := broadcast_of(key)) is not None})
    told = 0
    for kind, ref in broadcasts:
        broadcast = await s.store.paid_broadcast(kind, ref)
        if broadcast is None or broadcast.sender == 0:
            # Not a paid one (or deleted since), or its sender used /forgetme: nobody to tell.
            continue
        notice = await _notice(s, broadcast)
        if await s.store.tell_stars_ran_out(broadcast, notice, s.now()):
            told += 1
            log.warning("the Stars ran out during paid %s %d: its sender is told", kind, ref)
    if told:
        s.outbox.wake()
    return told


async def _notice(s: Services, broadcast: PaidBroadcast) -> Callable[[int, int], str]:
    """The sender's notice, in their language, made from the counts the store reads."""
    t = await s.translator_of(broadcast.sender)
    if broadcast.kind == "call":
        named = call_named(t, broadcast.ref)
    else:
        found = broadcast.action_id
        action = None if found is None else await s.store.action(found)
        named = alert_named(t, action.title if action else None)
    rate = s.settings.rate_limit

    def render(paid: int, left: int) -> str:
        return Payload(ran_out(t, named, paid, left, left / rate)).to_json()

    return render
