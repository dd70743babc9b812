"""Pushes queued updates to the configured webhook, one at a time and in order."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

import aiohttp

from .jsonutil import JSONDict
from .updates import UpdateHub

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to deliver one update to the webhook."""

    update_id: int
    url: str
    attempt: int
    status: int | None
    error: str | None
    timestamp: float

    @property
    def ok(self) -> bool:
        """Whether the receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


class WebhookPusher:
    """Background task delivering ``hub.pending`` to ``hub.webhook``.

    A failed delivery (connection error or non-2xx answer) is retried ``max_attempts`` times
    with a short backoff; after that the update is dropped (and ``last_error_*`` set in
    ``getWebhookInfo``) so that later updates are not blocked forever.
    """

    def __init__(
        self,
        hub: UpdateHub,
        *,
        max_attempts: int = 3,
        retry_delay: float = 0.05,
        timeout: float = 5.0,
    ) -> None:
        self.hub = hub
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.deliveries: list[WebhookDelivery] = []
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the delivery task (idempotent)."""
        if self._task is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._task = asyncio.create_task(self._run(), name="fakebot-webhook-pusher")

    async def stop(self) -> None:
        """Stop the delivery task and close its HTTP session."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _has_work(self) -> bool:
        return self.hub.closing or (self.hub.webhook is not None and bool(self.hub.pending))

    async def _run(self) -> None:
        while True:
            await self.hub.notifier.wait_for(self._has_work, None)
            if self.hub.closing:
                return
            webhook = self.hub.webhook
            if webhook is None or not self.hub.pending:
                continue
            update = self.hub.pending[0]
            if self.hub.is_allowed(update, self.hub.allowed_updates):
                delivered = await self._deliver(update)
            else:
                delivered = True
            # Delivered, or given up on while the same webhook is still set: drop it. If the
            # webhook was removed meanwhile, the update stays for getUpdates.
            still_current = self.hub.webhook is webhook
            if (delivered or still_current) and self.hub.pending[:1] == [update]:
                self.hub.pending.pop(0)
            self.hub.notifier.notify()

    async def _deliver(self, update: JSONDict) -> bool:
        for attempt in range(1, self.max_attempts + 1):
            webhook = self.hub.webhook
            if webhook is None or self._session is None:
                return False
            headers = {}
            if webhook.secret_token:
                headers[SECRET_HEADER] = webhook.secret_token
            status: int | None = None
            error: str | None = None
            try:
                async with self._session.post(webhook.url, json=update, headers=headers) as resp:
                    status = resp.status
                    await resp.read()
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {resp.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}: {exc}"
            self.deliveries.append(
                WebhookDelivery(
                    update_id=update["update_id"],
                    url=webhook.url,
                    attempt=attempt,
                    status=status,
                    error=error,
                    timestamp=time.time(),
                )
            )
            self.hub.notifier.notify()
            if error is None:
                return True
            webhook.last_error_message = error
            webhook.last_error_date = int(time.time())
            if attempt < self.max_attempts:
                await asyncio.sleep(self.retry_delay * 2 ** (attempt - 1))
        return False
