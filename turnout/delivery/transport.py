"""The outbox's own connection to the Bot API: prepared JSON over one aiohttp session.

python-telegram-bot sends everything else. The outbox, which may send 1,000 messages a second
(a paid broadcast), posts its prepared bodies (``wire.py``) itself: the library's HTTP client,
httpx, spends about a millisecond of CPU per request here, as much as the rest of a send, while
aiohttp (already installed for the sandbox) spends a tenth of that. Errors leave this module as
the delivery package's own exceptions, worded without the URL, which holds the bot's token.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from turnout.delivery.errors import Unavailable
from turnout.delivery.wire import read_answer

_JSON = {"Content-Type": "application/json"}


class Transport:
    """Posts to ``{base_url}/{method}``, where ``base_url`` ends with the token (PTB's
    ``Bot.base_url``). ``open`` within the running loop, ``close`` when done."""

    def __init__(self, base_url: str, *, timeout: float, connections: int) -> None:
        self._base = base_url.rstrip("/") + "/"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            # ``trust_env``: the proxy an operator set for python-telegram-bot (HTTPS_PROXY) is
            # taken here too, or the outbox alone could not reach a blocked Telegram.
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, raise_for_status=False, trust_env=True
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, method: str, body: bytes) -> Any:
        """The call's ``result``; a refusal or failure as a ``TelegramAnswer``."""
        if self._session is None:
            raise Unavailable("the outbox's connection is closed")
        try:
            async with self._session.post(self._base + method, data=body, headers=_JSON) as reply:
                status, content = reply.status, await reply.read()
        except TimeoutError:
            raise Unavailable("timed out") from None
        except aiohttp.ClientError as error:
            # Its words may quote the URL, and so the token: the type says enough.
            raise Unavailable(f"connection failed ({type(error).__name__})") from None
        except OSError as error:
            raise Unavailable(
                f"connection failed ({error.strerror or type(error).__name__})"
            ) from None
        return read_answer(status, content)

    async def star_balance(self) -> float:
        """The bot's Stars (``getMyStarBalance``), fractions included."""
        result = await self.post("getMyStarBalance", b"{}")
        amount = result.get("amount") if isinstance(result, dict) else None
        nano = result.get("nanostar_amount", 0) if isinstance(result, dict) else None
        if not (isinstance(amount, int) and isinstance(nano, int)) or isinstance(amount, bool):
            raise Unavailable("getMyStarBalance: unreadable answer")
        return amount + nano / 1e9
