"""Command menus (``setMyCommands``): one for all members, and one per privileged user's chat.

Telegram picks the narrowest scope it has for a chat, so members see the member menu and each
organiser, broadcaster or owner sees exactly the commands their roles allow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from turnout.i18n import Catalogs, Translator
from turnout.permissions import EVERYONE, allowed
from turnout.storage import Role

if TYPE_CHECKING:
    from turnout.handlers.registry import Command

log = logging.getLogger(__name__)


def menu(commands: Sequence[Command], held: frozenset[Role], t: Translator) -> list[BotCommand]:
    return [
        BotCommand(command.name, t(command.help)[:256])
        for command in commands
        if allowed(held, command.roles)
    ]


async def publish_member_menus(bot: Bot, commands: Sequence[Command], catalogs: Catalogs) -> None:
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
    bot: Bot, user_id: int, held: frozenset[Role], commands: Sequence[Command], t: Translator
) -> None:
    """Give one user the menu of their roles, in their language (which they may have chosen in
    /settings, whatever their Telegram speaks)."""
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        await bot.set_my_commands(menu(commands, held, t), scope=scope)
    except TelegramError as error:
        # An owner who never opened the bot has no chat yet; their menu comes with /start.
        log.info("could not set the command menu of user %s: %s", user_id, error)
