"""/addchannel, /channels and Unlink; and noticing when the bot is removed from a channel.

Linking checks with Telegram (``getChatMember``) both that the bot may post there and that the
person linking is an admin of it, and says exactly what is missing otherwise.
"""

from __future__ import annotations

import logging
import re

from telegram import ChatMember, ChatMemberAdministrator, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from turnout.bot.context import TurnoutContext
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.registry import conversation_handler, stopper
from turnout.i18n import N_
from turnout.views.channels import channel_list

log = logging.getLogger(__name__)

WHICH = 0
ADMINS = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
_REFERENCE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d{5,})$")


async def begin(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    await message.reply_text(context.t("channels.ask"))
    return WHICH


async def got_channel(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    assert update.effective_user is not None
    reference = _reference(message)
    if reference is None:
        await message.reply_text(context.t("channels.bad_reference"))
        return WHICH
    t, bot = context.t, context.bot
    try:
        chat = await bot.get_chat(reference)
        mine = await bot.get_chat_member(chat.id, bot.id)
        theirs = await bot.get_chat_member(chat.id, update.effective_user.id)
    except (BadRequest, Forbidden) as error:
        log.info("cannot check chat %s: %s", reference, error)
        await message.reply_text(t("channels.not_visible"))
        return WHICH
    title = chat.title or str(chat.id)
    if chat.type == ChatType.CHANNEL:
        if not (isinstance(mine, ChatMemberAdministrator) and mine.can_post_messages):
            await message.reply_text(t("channels.bot_not_admin", title=title))
            return WHICH
    elif chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        if mine.status not in (*ADMINS, ChatMember.MEMBER):
            await message.reply_text(t("channels.bot_not_member", title=title))
            return WHICH
    else:
        await message.reply_text(t("channels.bad_reference"))
        return WHICH
    if theirs.status not in ADMINS:
        await message.reply_text(t("channels.user_not_admin", title=title))
        return WHICH
    await context.store.link_channel(
        chat.id, title, chat.username, chat.type, update.effective_user.id, context.now()
    )
    await message.reply_text(t("channels.linked", title=title))
    return ConversationHandler.END


async def show_channels(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    reply = channel_list(context.t, await context.store.channels())
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def unlink_button(update: Update, context: TurnoutContext) -> None:
    """``chan:unlink:<chat id>``."""
    query = update.callback_query
    assert query is not None
    chat_text = (query.data or "").rpartition(":")[2]
    number = as_id(chat_text.removeprefix("-"))
    chat_id = None if number is None else -number if chat_text.startswith("-") else number
    done = chat_id is not None and await context.store.unlink_channel(
        chat_id, query.from_user.id, context.now()
    )
    await query.answer(context.t("channels.unlinked" if done else "channels.already_unlinked"))
    reply = channel_list(context.t, await context.store.channels())
    await edit_in_place(query, reply.text, reply.markup)


async def bot_membership_changed(update: Update, context: TurnoutContext) -> None:
    """The bot removed from a linked channel or group, or stripped of the right to post:
    mark it, and tell the one who linked it (once)."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    new = change.new_chat_member
    can_post = (
        new.status == ChatMember.OWNER
        or (isinstance(new, ChatMemberAdministrator) and new.can_post_messages is not False)
        or (change.chat.type != ChatType.CHANNEL and new.status == ChatMember.MEMBER)
    )
    if can_post:
        return
    lost = await context.store.channel_lost(change.chat.id, context.now())
    if lost is None:
        return
    member = await context.store.member(lost.linked_by)
    t = context.catalogs.translator(member.language if member else None)
    try:
        await context.bot.send_message(lost.linked_by, t("channels.lost", title=lost.title))
    except TelegramError as error:
        log.info("could not tell %s that %s was lost: %s", lost.linked_by, lost.title, error)


def _reference(message: Message) -> int | str | None:
    """The chat a message points at: a forwarded post's channel, ``@username`` or an id."""
    origin = message.forward_origin
    if origin is not None and getattr(origin, "chat", None) is not None:
        return int(origin.chat.id)  # type: ignore[attr-defined]
    text = (message.text or "").strip()
    if not _REFERENCE.match(text):
        return None
    return text if text.startswith("@") else int(text)


def link_conversation(
    entry: BaseHandler[Update, TurnoutContext, object],
) -> ConversationHandler[TurnoutContext]:
    return conversation_handler(
        entry_points=[entry],
        states={WHICH: [MessageHandler(~filters.COMMAND, got_channel)]},
        fallbacks=[CommandHandler("cancel", stopper(N_("channels.stopped")))],
        name="addchannel",
        allow_reentry=True,
    )
