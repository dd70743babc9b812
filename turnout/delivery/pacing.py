"""Keeping under Telegram's flood limits: when may the next message go, and to which chat.

Telegram allows a bot about 30 messages per second overall, one per second in a private chat
and 20 per minute in a group or channel. The pacer spaces sends evenly (no bursts: a burst is
what earns a 429), and a ``RetryAfter`` pushes every slot past the pause Telegram asked for.

With a paid rate (``TURNOUT_PAID_BROADCAST_RATE``) there is a second lane beside the free one:
a message whose sender agreed to pay takes whichever lane's slot comes first, so the free lane
stays full and only the rest is paid for (``allow_paid_broadcast``); the two lanes together run
at the paid rate. Pure bookkeeping on a clock; the outbox does the waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

PRIVATE_CHAT_GAP = 1.0
GROUP_CHAT_GAP = 60.0 / 20
_PRUNE_AT = 50_000


def chat_gap(chat_id: int) -> float:
    """Private chats have positive ids; groups, supergroups and channels negative ones."""
    return PRIVATE_CHAT_GAP if chat_id > 0 else GROUP_CHAT_GAP


class Pacer:
    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        paid_rate: float | None = None,
    ) -> None:
        self.interval = 1.0 / rate
        self.paid_interval = (
            None if paid_rate is None or paid_rate <= rate else 1.0 / (paid_rate - rate)
        )
        self._clock = clock
        self._next_slot = 0.0
        self._next_paid = 0.0
        self._paused_until = 0.0
        self._chat_free_at: dict[int, float] = {}

    @property
    def pays(self) -> bool:
        """Whether there is a paid lane at all."""
        return self.paid_interval is not None

    def chat_free_at(self, chat_id: int) -> float:
        """When this chat may receive its next message (now or earlier: it may)."""
        return self._chat_free_at.get(chat_id, 0.0)

    def reserve_lane(self, chat_id: int, *, may_pay: bool) -> tuple[float, bool]:
        """Book the next slot for a message to ``chat_id``: the free lane's, or, when the
        message ``may_pay``, the paid lane's if that comes sooner. Returns (when, paid)."""
        now = self._clock()
        slot = max(now, self._next_slot, self._paused_until)
        paid = False
        if may_pay and self.paid_interval is not None:
            paid_slot = max(now, self._next_paid, self._paused_until)
            if paid_slot < slot:
                slot, paid = paid_slot, True
        if paid:
            assert self.paid_interval is not None
            self._next_paid = slot + self.paid_interval
        else:
            self._next_slot = slot + self.interval
        self._chat_free_at[chat_id] = slot + chat_gap(chat_id)
        if len(self._chat_free_at) > _PRUNE_AT:
            self._chat_free_at = {
                chat: free for chat, free in self._chat_free_at.items() if free > now
            }
        return slot, paid

    def pause(self, seconds: float) -> None:
        """Telegram said "retry after": nothing goes out until then."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def wait_time(self, slot: float) -> float:
        """Seconds to wait before sending in ``slot``, counting any pause since it was booked."""
        return max(slot, self._paused_until) - self._clock()


def backoff(
    attempt: int, *, base: float = 1.0, cap: float = 60.0, rng: random.Random | None = None
) -> float:
    """Seconds to wait before try number ``attempt + 1`` after a network error: exponential,
    capped, with jitter so that many failed sends do not all come back at the same moment."""
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
