"""The composition root: ``build_application(settings)``, used by ``turnout run``, the sandbox
and the tests. Nothing else constructs an application."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from turnout.bot.jobs import TurnoutApplication
from turnout.bot.lifecycle import post_init, post_shutdown, post_stop
from turnout.bot.ordering import PerSenderProcessor
from turnout.config import Settings
from turnout.handlers.common.context import BotData, TurnoutContext
from turnout.handlers.common.floodgate import FloodGate
from turnout.handlers.errors import on_error
from turnout.handlers.routes import COMMANDS, HANDLERS
from turnout.i18n import Catalogs
from turnout.usecases.services import Clock


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_application(settings: Settings, *, clock: Clock = utc_now) -> TurnoutApplication:
    """Everything the bot is, wired together; nothing is sent to Telegram until it is started."""
    context_types = ContextTypes(context=TurnoutContext, bot_data=BotData)
    application: TurnoutApplication = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.zone))
        .context_types(context_types)
        .concurrent_updates(PerSenderProcessor(settings.concurrent_updates))
        # Updates come in through the intake (bot/intake.py), which stores them before
        # confirming them to Telegram; the library's updater confirms them first.
        .updater(None)
        # No AIORateLimiter: everything sent to many chats goes through the outbox, which paces
        # it and pauses everything on a RetryAfter itself. A second limiter would hide those
        # pauses from it. Replies to a person's own update are one at a time, and the outbox's
        # default rate (25/s) leaves Telegram's 30/s some room for them.
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    data: BotData = application.bot_data
    data.settings = settings
    data.catalogs = Catalogs(settings.default_language)
    data.clock = clock
    data.commands = COMMANDS
    data.flood = FloodGate()
    # Twice a full report every ten seconds: no one sending from the street gets near it.
    data.file_flood = FloodGate(limit=60, window=10.0)
    for route in HANDLERS:
        application.add_handler(route.handler(), group=route.group)
    application.add_error_handler(on_error)
    return application
