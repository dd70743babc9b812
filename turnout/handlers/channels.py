"""/channels and Unlink; and noticing when the bot is removed from a channel."""

from __future__ import annotations

from telegram import ChatMember, ChatMemberAdministrator, Update
from telegram.constants import ChatType

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.usecases import channels
from turnout.usecases.errors import Gone
from turnout.views.buttons import UnlinkChannel
from turnout.views.channels import channel_list


async def show_channels(update: Update, context: TurnoutContext) -> None:
    await reply(update, channel_list(context.t, await channels.listed(context.services)))


async def unlink_button(update: Update, context: TurnoutContext, data: UnlinkChannel) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    try:
        await channels.unlink(context.services, query.from_user.id, data.chat)
        await query.answer(t("channels.unlinked"))
    except Gone:
        await query.answer(t("channels.already_unlinked"))
    listing = channel_list(t, await channels.listed(context.services))
    await edit_in_place(query, listing.text, listing.markup)


async def bot_membership_changed(update: Update, context: TurnoutContext) -> None:
    """The bot removed from a linked channel or group, or stripped of the right to post."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    new = change.new_chat_member
    can_post = (
        new.status == ChatMember.OWNER
        or (isinstance(new, ChatMemberAdministrator) and new.can_post_messages is not False)
        or (change.chat.type != ChatType.CHANNEL and new.status == ChatMember.MEMBER)
    )
    await channels.rights_changed(context.services, change.chat.id, can_post)
