"""Knowing who a member is: recognising them on every update, and whether they can be reached."""

from __future__ import annotations

from telegram import ChatMember, Update

from turnout.bot.context import TurnoutContext
from turnout.storage import Member


async def recognise_member(update: Update, context: TurnoutContext) -> None:
    """Runs before every feature: loads the member so replies use the language they chose."""
    if update.effective_user is not None:
        context.recognise(await context.store.member(update.effective_user.id))


async def ensure_member(update: Update, context: TurnoutContext) -> tuple[Member, bool]:
    """Register the user of a private-chat update (or refresh them); True when they are new."""
    user = update.effective_user
    assert user is not None  # only private-chat handlers call this
    member, created = await context.store.register_member(
        user.id,
        user.first_name,
        context.catalogs.resolve(user.language_code),
        context.settings.timezone,
        context.now(),
    )
    context.recognise(member)
    return member, created


async def bot_blocked_or_unblocked(update: Update, context: TurnoutContext) -> None:
    """A member blocking the bot makes them unreachable; restarting it makes them reachable."""
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await context.store.set_reachable(change.from_user.id, False, context.now())
    elif status == ChatMember.MEMBER:
        await context.store.set_reachable(change.from_user.id, True, context.now())
