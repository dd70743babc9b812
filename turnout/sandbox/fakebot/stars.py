"""The bot's Telegram Stars, and what paid broadcasts cost them.

A send with ``allow_paid_broadcast`` goes above the free limits (up to 1,000 messages a second)
for a fee per message, taken from the bot's balance (Bot API, ``sendMessage``); the balance is
read with ``getMyStarBalance``. The fake keeps the balance in nanostars (whole numbers: a tenth
of a Star is not exact in floating point), charges each paid message before it is sent, and
refuses a paid send the balance cannot cover, sending nothing.
"""

from __future__ import annotations

import math

from .errors import bad_request
from .jsonutil import JSONDict
from .params import Params

NANOSTARS = 1_000_000_000
#: Telegram's fee for one message sent with ``allow_paid_broadcast``: 0.1 Star.
FEE = NANOSTARS // 10
#: Telegram's ceiling for paid broadcasts, in messages a second.
PAID_RATE = 1000.0
#: The methods that send new messages and take ``allow_paid_broadcast`` (lower-cased).
PAYABLE = frozenset(
    name.lower()
    for name in (
        "sendMessage",
        "sendPhoto",
        "sendVideo",
        "sendDocument",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendMediaGroup",
        "copyMessage",
    )
)
NOT_ENOUGH = "not enough Stars to pay for the broadcast"


def paid_messages(method: str, params: Params) -> int:
    """How many paid messages a call asks for: 0 unless it is a send with
    ``allow_paid_broadcast``; an album is paid for per message in it."""
    if method.lower() not in PAYABLE or not params.get_bool("allow_paid_broadcast"):
        return 0
    if method.lower() == "sendmediagroup":
        media = params.raw("media")
        return len(media) if isinstance(media, list) and media else 1
    return 1


class Stars:
    """The bot's balance."""

    def __init__(self) -> None:
        self.nanostars = 0

    @property
    def stars(self) -> float:
        return self.nanostars / NANOSTARS

    def set(self, stars: float) -> None:
        if stars < 0 or not math.isfinite(stars):
            raise ValueError(f"not a balance: {stars!r}")
        self.nanostars = round(stars * NANOSTARS)

    def charge(self, messages: int) -> None:
        """Take the fee of ``messages`` paid messages; ``400`` (nothing taken) when the
        balance does not cover them all."""
        cost = messages * FEE
        if cost > self.nanostars:
            raise bad_request(NOT_ENOUGH)
        self.nanostars -= cost

    def refund(self, messages: int) -> None:
        """Give back the fee of messages that were not sent after all (the send failed)."""
        self.nanostars += messages * FEE

    def amount(self) -> JSONDict:
        """The balance as Telegram's ``StarAmount``: whole Stars, and the nanostars beyond."""
        whole, nano = divmod(self.nanostars, NANOSTARS)
        return {"amount": whole, "nanostar_amount": nano} if nano else {"amount": whole}
