"""Running the application: long polling, or a webhook when ``WEBHOOK_URL`` is set.

``serve`` mirrors what ``Application.run_polling`` does (initialise, ``post_init``, start the
updater, start, …, ``post_shutdown``) but as a coroutine ending on an event, so ``turnout run``
and the end-to-end tests start the bot the same way and signals are handled in one place.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal

from telegram import Update

from turnout.bot.jobs import TurnoutApplication
from turnout.bot.logs import redact_also
from turnout.bot.webhook import WebhookServer
from turnout.config import Settings

log = logging.getLogger(__name__)

# How long one getUpdates call waits for news; stopping does not wait for it to end.
POLL_TIMEOUT = 10
# A pause between two fetches of updates. Without it, under load every fetch returns one or two
# updates and fetching costs more than handling them (benchmarks/intake.py: 2.0 ms of CPU per
# update without the pause, 1.45 ms with it). At most 20 ms more for an update that arrives
# during the pause; an idle bot still waits at Telegram (long polling) and answers at once.
POLL_INTERVAL = 0.02


async def serve(application: TurnoutApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Run until ``stop`` is set, then shut down cleanly, whatever failed on the way."""
    updater = application.updater
    assert updater is not None
    await application.initialize()
    started = False
    webhook: WebhookServer | None = None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        if settings.webhook_url:
            secret = (
                settings.webhook_secret.get_secret_value()
                if settings.webhook_secret
                else secrets.token_urlsafe(32)
            )
            redact_also(secret)  # before setWebhook, which logs it at DEBUG
            webhook = WebhookServer(
                application,
                settings.webhook_path,
                secret,
                settings.webhook_listen,
                settings.webhook_port,
            )
            await webhook.start()
            await application.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            log.info("webhook listening on %s:%d", settings.webhook_listen, settings.webhook_port)
        else:
            await updater.start_polling(
                timeout=POLL_TIMEOUT,
                poll_interval=POLL_INTERVAL,
                allowed_updates=Update.ALL_TYPES,
            )
            log.info("long polling started")
        await application.start()
        started = True
        log.info("Turnout is running as @%s", application.bot.username)
        await stop.wait()
    finally:
        log.info("shutting down")
        if updater.running:
            await updater.stop()
        if webhook is not None:
            await webhook.stop()
        if started:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        log.info("stopped")


def run(application: TurnoutApplication, settings: Settings) -> None:
    """``turnout run``: serve until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(application, settings, stop)

    asyncio.run(main())
