"""Fault injection: failing calls, slow answers and a global rate limit (and the paid
broadcasts' own, which Telegram sets at 1,000 messages a second)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from .errors import ApiError, default_description
from .jsonutil import JSONDict
from .stars import PAID_RATE

UNTARGETED_EXEMPT = frozenset({"getupdates", "downloadfile"})
"""Methods (and file downloads) not hit by faults registered with ``method=None`` or by the
rate limit; target them by name to make them fail."""


def _matches_method(rule_method: str | None, method: str) -> bool:
    if rule_method is None:
        return method.lower() not in UNTARGETED_EXEMPT
    return rule_method.lower() == method.lower()


@dataclass
class Failure:
    """The next ``remaining`` matching calls fail with ``status``."""

    method: str | None
    status: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | str | None = None

    def matches(self, method: str, params: JSONDict) -> bool:
        """Whether this rule applies to a call of ``method`` with ``params``."""
        if self.remaining <= 0 or not _matches_method(self.method, method):
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass
class Delay:
    """Matching calls are answered only after ``seconds``; ``remaining=None`` means forever."""

    method: str | None
    seconds: float
    remaining: int | None

    def matches(self, method: str) -> bool:
        """Whether this rule applies to a call of ``method``."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        return _matches_method(self.method, method)


class TokenBucket:
    """``per_second`` calls per second, bursts of up to ``burst`` calls (by default a second's
    worth, at least one)."""

    def __init__(self, per_second: float, burst: float | None = None) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.rate = per_second
        self.capacity = max(1.0, per_second if burst is None else burst)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Consume one token if available."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass
class Chaos:
    """Random faults on a share of calls: 429s, 500s, and calls dropped after a long silence."""

    method: str | None
    retry_after_rate: float
    retry_after: int
    error_rate: float
    drop_rate: float
    drop_seconds: float
    rng: random.Random

    def roll(self, method: str) -> ApiError | float | None:
        """An error to answer with, seconds of silence before dropping the call, or nothing."""
        if not _matches_method(self.method, method):
            return None
        dice = self.rng.random()
        if dice < self.retry_after_rate:
            return ApiError(429, retry_after=self.retry_after)
        dice -= self.retry_after_rate
        if dice < self.error_rate:
            return ApiError(500)
        dice -= self.error_rate
        if dice < self.drop_rate:
            return self.drop_seconds
        return None


class Faults:
    """All configured faults of one server."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.delays: list[Delay] = []
        self.limiter: TokenBucket | None = None
        """The limit of every call but paid sends."""
        self.paid_limiter: TokenBucket | None = TokenBucket(PAID_RATE)
        """The limit of sends with ``allow_paid_broadcast``: Telegram's 1,000 a second."""
        self.chaos: Chaos | None = None

    def add_failure(
        self,
        method: str | None,
        *,
        status: int | None,
        description: str | None,
        retry_after: int | None,
        times: int,
        chat_id: int | str | None,
    ) -> Failure:
        """Register a failure rule (429 if only ``retry_after`` is given, else 500)."""
        if status is None:
            status = 429 if retry_after is not None else 500
        if status == 429 and retry_after is None:
            retry_after = 1
        rule = Failure(
            method=method,
            status=status,
            description=description or default_description(status, retry_after),
            retry_after=retry_after,
            remaining=times,
            chat_id=chat_id,
        )
        self.failures.append(rule)
        return rule

    def add_delay(self, method: str | None, seconds: float, times: int | None) -> Delay:
        """Register a delay rule."""
        rule = Delay(method=method, seconds=seconds, remaining=times)
        self.delays.append(rule)
        return rule

    def take_delay(self, method: str) -> float:
        """The delay for this call (consuming one use of the first matching rule)."""
        for rule in self.delays:
            if rule.matches(method):
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule.seconds
        return 0.0

    def rate_limited(self, method: str, *, paid: bool = False) -> ApiError | None:
        """The 429 error if this call exceeds its rate limit: a paid send (``paid``) the paid
        broadcasts' limit, any other call the global one."""
        limiter = self.paid_limiter if paid else self.limiter
        if limiter is None or method.lower() in UNTARGETED_EXEMPT:
            return None
        if limiter.take():
            return None
        return ApiError(429, retry_after=1)

    def take_failure(self, method: str, params: JSONDict) -> ApiError | None:
        """The injected error for this call, if any (consuming one use of the rule)."""
        for rule in self.failures:
            if rule.matches(method, params):
                rule.remaining -= 1
                return ApiError(rule.status, rule.description, retry_after=rule.retry_after)
        return None

    def clear(self) -> None:
        """Remove every failure, delay and the rate limit (the paid one back to Telegram's)."""
        self.failures.clear()
        self.delays.clear()
        self.limiter = None
        self.paid_limiter = TokenBucket(PAID_RATE)
        self.chaos = None
