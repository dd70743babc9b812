"""Linked channels and groups: linking one (Telegram is asked that the bot may post there and
that the person linking is an admin of it), unlinking, and noticing when the bot lost it."""

from __future__ import annotations

import logging

from telegram import ChatMemberAdministrator
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from turnout.permissions import BROADCASTERS, allowed
from turnout.storage import Channel
from turnout.storage.purposes import ChannelLost, stamp
from turnout.usecases.admins import ADMINS, POSTING, require_admin
from turnout.usecases.errors import Declined, Gone, Invalid, NotAllowed
from turnout.usecases.services import Services
from turnout.usecases.telling import tell

log = logging.getLogger(__name__)


async def link(s: Services, actor: int, reference: int | str) -> Channel:
    """Link the chat ``reference`` names (an id or an @username) for posting calls."""
    if not allowed(await s.roles_of(actor), BROADCASTERS):
        raise NotAllowed()
    bot = s.bot
    try:
        chat = await bot.get_chat(reference)
        mine = await bot.get_chat_member(chat.id, bot.id)
        theirs = await bot.get_chat_member(chat.id, actor)
    except (BadRequest, Forbidden) as error:
        log.info("cannot check chat %s: %s", reference, error)
        raise Invalid("channels.not_visible") from None
    title = chat.title or str(chat.id)
    if chat.type == ChatType.CHANNEL:
        if not (isinstance(mine, ChatMemberAdministrator) and mine.can_post_messages):
            raise Declined("channels.bot_not_admin", title=title)
    elif chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        if mine.status not in POSTING:
            raise Declined("channels.bot_not_member", title=title)
    else:
        raise Invalid("channels.bad_reference")
    if theirs.status not in ADMINS:
        raise Declined("channels.user_not_admin", title=title)
    return await s.store.link_channel(chat.id, title, chat.username, chat.type, actor, s.now())


async def unlink(s: Services, actor: int, chat_id: int) -> None:
    """Stop posting calls to a chat: only an admin of it may (asked of Telegram now), unless
    the bot lost it already (then nobody can be asked, and nothing is posted there anyway)."""
    if not allowed(await s.roles_of(actor), BROADCASTERS):
        raise NotAllowed()
    channel = await s.store.channel(chat_id)
    if channel is None:
        raise Gone("channels.already_unlinked")
    if channel.can_post:
        await require_admin(s, actor, [chat_id])
    if not await s.store.unlink_channel(chat_id, actor, s.now()):
        raise Gone("channels.already_unlinked")


async def listed(s: Services) -> list[Channel]:
    return await s.store.channels()


async def rights_changed(s: Services, chat_id: int, can_post: bool) -> None:
    """The bot was removed from a linked chat or lost the right to post there: mark it, and
    tell whoever linked it (once)."""
    if can_post:
        return
    lost = await s.store.channel_lost(chat_id, s.now())
    if lost is None:
        return
    await tell(s, ChannelLost(chat_id, stamp(s.now())), lost.linked_by,
               lambda t: t("channels.lost", title=lost.title))  # fmt: skip
