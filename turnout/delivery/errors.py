"""The delivery package's exceptions: its own, and Telegram's answers as the outbox reads them
(``wire.read_answer``, ``transport``); nothing of python-telegram-bot or aiohttp leaves here."""

from __future__ import annotations


class DeliveryError(Exception):
    """Something about the outbox itself went wrong."""


class BadPayload(DeliveryError):
    """A payload cannot be sent as it is (an album with buttons, unreadable JSON…)."""


class TelegramAnswer(DeliveryError):
    """Telegram did not take a message; ``description`` is its own words (never the URL, which
    holds the token)."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class Throttled(TelegramAnswer):
    """429: too fast; nothing may go out for ``retry_after`` seconds."""

    def __init__(self, description: str, retry_after: float) -> None:
        super().__init__(description)
        self.retry_after = retry_after


class Blocked(TelegramAnswer):
    """403: the chat refused the bot (blocked it, left, was kicked)."""


class Rejected(TelegramAnswer):
    """Any other refusal (400: bad text, chat not found…): trying again would change nothing."""

    def __init__(self, description: str, code: int) -> None:
        super().__init__(description)
        self.code = code


class Unavailable(TelegramAnswer):
    """No answer in time, the connection failed, or a 5xx: worth trying again later."""
