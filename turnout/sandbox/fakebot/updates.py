"""The update queue: ``getUpdates`` long polling, ``allowed_updates`` and webhook settings."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from .errors import conflict
from .jsonutil import JSONDict, clone
from .notifier import Notifier

FIRST_UPDATE_ID = 700000001
MAX_LIMIT = 100

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
"""Update types Telegram only sends when explicitly listed in ``allowed_updates``."""

WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
TERMINATED_BY_WEBHOOK = "terminated by setWebhook request"
TERMINATED_BY_OTHER = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


def update_type(update: JSONDict) -> str:
    """The kind of an update: the name of its one payload field (``message``, ...)."""
    for key in update:
        if key != "update_id":
            return key
    return ""


@dataclass
class Webhook:
    """The current webhook configuration."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Poll:
    generation: int
    terminated_by: str | None = None


@dataclass
class UpdateHub:
    """Pending updates plus the delivery configuration (polling or webhook)."""

    notifier: Notifier
    history: list[JSONDict] = field(default_factory=list)
    """Every update ever pushed, in order."""
    pending: list[JSONDict] = field(default_factory=list)
    """Updates not yet confirmed by an ``offset`` (or acknowledged by the webhook)."""
    allowed_updates: list[str] | None = None
    webhook: Webhook | None = None
    closing: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_UPDATE_ID))
    _polls: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _active_poll: _Poll | None = None

    def continue_after(self, update_id: int) -> None:
        """Number the next updates above ``update_id`` (a bot restarted against a new server
        remembers the ids it has seen: Telegram never gives one twice)."""
        self._ids = itertools.count(max(update_id + 1, FIRST_UPDATE_ID))

    def push(self, payload: JSONDict) -> JSONDict:
        """Assign the next ``update_id`` and queue the update; returns the stored update."""
        body = {key: value for key, value in clone(payload).items() if key != "update_id"}
        update: JSONDict = {"update_id": next(self._ids), **body}
        self.history.append(update)
        self.pending.append(update)
        self.notifier.notify()
        return update

    def is_allowed(self, update: JSONDict, allowed: list[str] | None) -> bool:
        """Whether ``update`` passes an ``allowed_updates`` list (Telegram's default if empty)."""
        kind = update_type(update)
        if not allowed:
            return kind not in DEFAULT_EXCLUDED
        return kind in allowed

    def confirm(self, offset: int) -> None:
        """Apply a ``getUpdates`` offset: drop confirmed updates (negative: keep the last N)."""
        if offset < 0:
            keep = -offset
            self.pending = self.pending[-keep:] if keep else []
        elif offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[JSONDict]:
        allowed = [u for u in self.pending if self.is_allowed(u, self.allowed_updates)]
        if len(allowed) != len(self.pending):
            self.pending = allowed
        return [clone(u) for u in allowed[:limit]]

    async def get_updates(
        self, offset: int, limit: int, wait_seconds: float, allowed_updates: list[str] | None
    ) -> list[JSONDict]:
        """``getUpdates`` semantics, including long polling and the 409 conflicts."""
        if self.webhook is not None:
            raise conflict(WEBHOOK_ACTIVE)
        if allowed_updates is not None:
            self.allowed_updates = list(allowed_updates)
        self.confirm(offset)
        limit = max(1, min(limit or MAX_LIMIT, MAX_LIMIT))
        if self._active_poll is not None:
            self._active_poll.terminated_by = TERMINATED_BY_OTHER
        poll = _Poll(next(self._polls))
        self._active_poll = poll
        self.notifier.notify()
        try:
            deadline = time.monotonic() + max(0.0, wait_seconds)
            while True:
                updates = self._deliverable(limit)
                if updates or self.closing:
                    return updates
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                await self.notifier.wait_for(
                    lambda: (
                        bool(poll.terminated_by)
                        or self.closing
                        or self.webhook is not None
                        or any(self.is_allowed(u, self.allowed_updates) for u in self.pending)
                    ),
                    remaining,
                )
                if poll.terminated_by:
                    raise conflict(poll.terminated_by)
                if self.webhook is not None:
                    raise conflict(TERMINATED_BY_WEBHOOK)
        finally:
            if self._active_poll is poll:
                self._active_poll = None

    def set_webhook(self, webhook: Webhook, *, drop_pending_updates: bool) -> None:
        """Install a webhook; pending long polls are terminated."""
        if drop_pending_updates:
            self.pending.clear()
        self.webhook = webhook
        self.notifier.notify()

    def delete_webhook(self, *, drop_pending_updates: bool) -> None:
        """Remove the webhook (updates are then available to ``getUpdates`` again)."""
        if drop_pending_updates:
            self.pending.clear()
        self.webhook = None
        self.notifier.notify()

    def webhook_info(self) -> JSONDict:
        """The ``WebhookInfo`` object."""
        info: JSONDict = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates:
                info["allowed_updates"] = list(self.webhook.allowed_updates)
            if self.webhook.ip_address:
                info["ip_address"] = self.webhook.ip_address
            if self.webhook.last_error_date is not None:
                info["last_error_date"] = self.webhook.last_error_date
                info["last_error_message"] = self.webhook.last_error_message
        return info
