"""What opens with the application and closes with it: the store, the outbox and the services
built on them, the scheduled jobs, and the command menus."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from turnout.bot.health import heartbeat_path
from turnout.bot.jobs import ApplicationHooks, TurnoutApplication, start_jobs
from turnout.delivery import Outbox
from turnout.handlers.common.context import BotData
from turnout.handlers.common.menus import publish_menus
from turnout.storage import Store
from turnout.usecases import exports, paid
from turnout.usecases.services import Services

log = logging.getLogger(__name__)


async def post_init(application: TurnoutApplication) -> None:
    data: BotData = application.bot_data
    settings = data.settings
    store = await Store.open(settings.database, key=settings.key())
    log.info(
        "database %s ready at schema version %d", settings.database, await store.schema_version()
    )
    outbox = Outbox(
        store,
        application.bot,
        rate=settings.rate_limit,
        paid_rate=settings.paid_broadcast_rate,
        max_in_flight=settings.in_flight,
        free_in_flight=settings.max_in_flight,
        clock=data.clock,
    )
    data.services = Services(
        settings=settings,
        store=store,
        outbox=outbox,
        catalogs=data.catalogs,
        bot=application.bot,
        clock=data.clock,
        hooks=ApplicationHooks(application),
    )
    # The outbox says when the Stars of paid broadcasts ran out; their senders are told.
    outbox.on_stars_exhausted = paid.teller(data.services)
    await exports.clear_leftovers(data.services)
    await outbox.start()
    heartbeat_path(settings).touch()
    start_jobs(application)
    try:
        await publish_menus(data.services, data.commands)
    except TelegramError as error:
        # Menus are a convenience; the bot works without them and refreshes them on role changes.
        log.warning("could not publish the command menus: %s", error)


async def post_stop(application: TurnoutApplication) -> None:
    """Stop the outbox while the bot can still talk to Telegram, so sends under way finish."""
    services: Services | None = getattr(application.bot_data, "services", None)
    if services is not None:
        await services.outbox.stop()


async def post_shutdown(application: TurnoutApplication) -> None:
    await post_stop(application)  # when start-up failed half-way, post_stop never ran
    services: Services | None = getattr(application.bot_data, "services", None)
    if services is not None:
        await services.store.close()
