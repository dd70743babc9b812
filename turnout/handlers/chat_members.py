"""A member blocking the bot, or coming back: whether they can be reached."""

from __future__ import annotations

from telegram import ChatMember, Update

from turnout.handlers.common.context import TurnoutContext
from turnout.usecases import members


async def bot_blocked_or_unblocked(update: Update, context: TurnoutContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await members.set_reachable(context.services, change.from_user.id, False)
    elif status == ChatMember.MEMBER:
        await members.set_reachable(context.services, change.from_user.id, True)
