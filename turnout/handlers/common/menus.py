"""Command menus (``setMyCommands``): one for all members, and one per privileged user's chat.

Telegram picks the narrowest scope it has for a chat, so members see the member menu and each
organiser, broadcaster, host or owner sees exactly the commands their roles allow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from turnout.handlers.common.commands import CommandEntry
from turnout.i18n import Catalogs, Translator
from turnout.limits import COMMAND_HELP_CHARACTERS
from turnout.permissions import EVERYONE, allowed
from turnout.storage import Role
from turnout.usecases.services import Services

log = logging.getLogger(__name__)


def menu(
    commands: Sequence[CommandEntry], held: frozenset[Role], t: Translator
) -> list[BotCommand]:
    return [
        BotCommand(command.name, t(command.help)[:COMMAND_HELP_CHARACTERS])
        for command in commands
        if allowed(held, command.roles)
    ]


async def publish_member_menus(
    bot: Bot, commands: Sequence[CommandEntry], catalogs: Catalogs
) -> None:
    """The menu of every private chat, once per language Telegram can select by code."""
    scope = BotCommandScopeAllPrivateChats()
    default = catalogs.translator(catalogs.default_language)
    await bot.set_my_commands(menu(commands, EVERYONE, default), scope=scope)
    for language in catalogs.languages:
        # Telegram matches two-letter codes only; script variants share their language's menu.
        if len(language) == 2:
            entries = menu(commands, EVERYONE, catalogs.translator(language))
            await bot.set_my_commands(entries, scope=scope, language_code=language)


async def publish_user_menu(
    services: Services, commands: Sequence[CommandEntry], user_id: int
) -> None:
    """Give one user the menu of the roles they hold now, in their language (which they may
    have chosen in /settings, whatever their Telegram speaks)."""
    held = await services.roles_of(user_id)
    t = await services.translator_of(user_id)
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        await services.bot.set_my_commands(menu(commands, held, t), scope=scope)
    except TelegramError as error:
        # An owner who never opened the bot has no chat yet; their menu comes with /start.
        log.info("could not set the command menu of user %s: %s", user_id, error)


async def publish_menus(services: Services, commands: Sequence[CommandEntry]) -> None:
    """The member menus, then one per owner and per holder of a role."""
    await publish_member_menus(services.bot, commands, services.catalogs)
    user_ids = set(services.settings.owner_ids) | set(await services.store.privileged_user_ids())
    for user_id in sorted(user_ids):
        await publish_user_menu(services, commands, user_id)
