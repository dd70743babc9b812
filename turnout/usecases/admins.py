"""Whether a person administers a chat, asked of Telegram at the moment it matters.

A broadcaster may act only in the channels they are an admin of: publishing, scheduling,
editing, deleting, calling off a schedule and unlinking each ask Telegram (``getChatMember``)
for every chat they touch, when the button is pressed and again when a scheduled call falls
due. Telegram's answer is kept for a minute (``admin_cache``), so a Confirm pressed right after
Edit does not ask again, and a person removed as admin loses the power within that minute.
Owners (from the settings) may act everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import ChatMember
from telegram.error import TelegramError

from turnout.storage import Role
from turnout.usecases.errors import Declined
from turnout.usecases.services import Services

log = logging.getLogger(__name__)

ADMINS = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def is_admin(s: Services, chat_id: int, user_id: int) -> bool:
    """Whether ``user_id`` administers ``chat_id`` now; a chat Telegram will not tell about
    (the bot was removed, the chat is gone) counts as no."""
    now = s.now()
    known = s.admins.get(chat_id, user_id, now)
    if known is not None:
        return known
    try:
        member = await s.bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        log.info("cannot ask whether %d administers chat %d: %s", user_id, chat_id, error)
        return False
    admin = member.status in ADMINS
    s.admins.put(chat_id, user_id, admin, now)
    return admin


async def require_admin(s: Services, actor: int, chats: Iterable[int]) -> None:
    """Refuse (``Declined``, naming the chat) unless ``actor`` administers every one of
    ``chats``, or is an owner."""
    if Role.OWNER in await s.roles_of(actor):
        return
    for chat_id in sorted(set(chats)):
        if not await is_admin(s, chat_id, actor):
            channel = await s.store.channel(chat_id)
            raise Declined("newcall.not_admin", title=channel.title if channel else chat_id)


#: What the bot must be in a group to post there.
POSTING = (*ADMINS, ChatMember.MEMBER)


async def bot_can_post(s: Services, chat_id: int) -> bool:
    """Whether the bot is in ``chat_id`` now (a group it was removed from, or one upgraded to a
    supergroup under a new id, counts as no). Asked, not kept: a message that must not be lost
    (a call for help) depends on it."""
    try:
        member = await s.bot.get_chat_member(chat_id, s.bot.id)
    except TelegramError as error:
        log.error("the bot cannot reach chat %d: %s", chat_id, error)
        return False
    if member.status not in POSTING:
        log.error("the bot cannot post in chat %d (it is %s there)", chat_id, member.status)
        return False
    return True
