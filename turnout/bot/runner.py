"""Running the application: long polling, or a webhook when ``WEBHOOK_URL`` is set.

``serve`` does what ``Application.run_polling`` does (initialise, ``post_init``, start, …,
``post_shutdown``) but as a coroutine ending on an event, so ``turnout run`` and the end-to-end
tests start the bot the same way and signals are handled in one place. Updates come in through
the intake (``bot/intake.py``), never through python-telegram-bot's updater, which confirms
updates to Telegram before they are stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal

from telegram import Update

from turnout.bot.intake import Intake, poll
from turnout.bot.jobs import TurnoutApplication
from turnout.bot.logs import redact_also
from turnout.bot.ordering import PerSenderProcessor
from turnout.bot.webhook import WebhookServer
from turnout.config import Settings

log = logging.getLogger(__name__)


async def serve(application: TurnoutApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Run until ``stop`` is set, then shut down cleanly, whatever failed on the way."""
    await application.initialize()
    started = False
    webhook: WebhookServer | None = None
    polling: asyncio.Task[None] | None = None
    intake: Intake | None = None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        intake = Intake(
            application.bot_data.services.store,
            application.update_queue.put_nowait,
            lambda data: Update.de_json(data, application.bot),
            application.bot_data.clock,
        )
        processor = application.update_processor
        assert isinstance(processor, PerSenderProcessor)
        processor.on_handled = intake.handled
        await intake.start()
        await application.start()
        started = True
        if settings.webhook_url:
            secret = (
                settings.webhook_secret.get_secret_value()
                if settings.webhook_secret
                else secrets.token_urlsafe(32)
            )
            redact_also(secret)  # before setWebhook, which logs it at DEBUG
            webhook = WebhookServer(
                intake,
                application.bot,
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
            # getUpdates is refused while a webhook is set (a previous run in webhook mode).
            await application.bot.delete_webhook()
            polling = asyncio.create_task(poll(intake, application.bot, stop), name="polling")
            log.info("long polling started")
        log.info("Turnout is running as @%s", application.bot.username)
        ending = asyncio.create_task(stop.wait())
        waited = {ending} if polling is None else {ending, polling}
        await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
        ending.cancel()
        if polling is not None and polling.done():
            polling.result()  # polling gave up (the token was revoked): raise why
    finally:
        log.info("shutting down")
        if polling is not None and not polling.done():
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        if webhook is not None:
            await webhook.stop()
        if started:
            await application.stop()  # handles every update already handed over
        if intake is not None:
            await intake.stop()
        if started and application.post_stop is not None:
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
