"""What opens with the application and closes with it: the store, and the command menus."""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from turnout.bot.context import BotData
from turnout.bot.health import BEAT_EVERY, beat, heartbeat_path
from turnout.bot.menus import publish_member_menus, publish_user_menu
from turnout.delivery import Outbox
from turnout.permissions import held_roles
from turnout.scheduler.planner import start_planner
from turnout.scheduler.retention import start_retention
from turnout.scheduler.review_chat import start_review_chat_jobs
from turnout.storage import Store

log = logging.getLogger(__name__)

TurnoutApplication = Application[Any, Any, Any, Any, BotData, Any]


async def post_init(application: TurnoutApplication) -> None:
    data: BotData = application.bot_data
    settings = data.settings
    data.store = await Store.open(settings.database)
    log.info(
        "database %s ready at schema version %d",
        settings.database,
        await data.store.schema_version(),
    )
    data.outbox = Outbox(
        data.store,
        application.bot,
        rate=settings.rate_limit,
        max_in_flight=settings.max_in_flight,
        clock=data.clock,
    )
    await data.outbox.start()
    heartbeat_path(settings).touch()
    start_planner(application)
    start_review_chat_jobs(application)
    start_retention(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(beat, interval=BEAT_EVERY, name="heartbeat")
    try:
        await publish_menus(application)
    except TelegramError as error:
        # Menus are a convenience; the bot works without them and refreshes them on role changes.
        log.warning("could not publish the command menus: %s", error)


async def post_stop(application: TurnoutApplication) -> None:
    """Stop the outbox while the bot can still talk to Telegram, so sends under way finish."""
    outbox: Outbox | None = getattr(application.bot_data, "outbox", None)
    if outbox is not None:
        await outbox.stop()


async def post_shutdown(application: TurnoutApplication) -> None:
    await post_stop(application)  # when start-up failed half-way, post_stop never ran
    store: Store | None = getattr(application.bot_data, "store", None)
    if store is not None:
        await store.close()


async def publish_menus(application: TurnoutApplication) -> None:
    """The member menu, then one per owner and per holder of a role."""
    data: BotData = application.bot_data
    bot = application.bot
    await publish_member_menus(bot, data.commands, data.catalogs)
    user_ids = sorted(set(data.settings.owner_ids) | set(await data.store.privileged_user_ids()))
    for user_id in user_ids:
        member = await data.store.member(user_id)
        held = held_roles(user_id, await data.store.roles_of(user_id), data.settings.owner_ids)
        translator = data.catalogs.translator(member.language if member else None)
        await publish_user_menu(bot, user_id, held, data.commands, translator)
