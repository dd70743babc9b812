"""``/forgetme``: a member deletes everything Turnout keeps about them (DESIGN.md §2.5)."""

from __future__ import annotations

import contextlib

from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from turnout.bot.context import TurnoutContext
from turnout.handlers.albums import cancel_albums_of
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.rsvp import tell_promoted
from turnout.pseudonym import pseudonym


async def forget_me(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    t = context.t
    if await context.store.member(user.id) is None:
        await message.reply_text(t("privacy.nothing"))
        return
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t("privacy.button.delete"), callback_data="forget:yes")],
            [InlineKeyboardButton(t("privacy.button.keep"), callback_data="forget:no")],
        ]
    )
    await message.reply_text(t("privacy.confirm"), reply_markup=markup)


async def forget_button(update: Update, context: TurnoutContext) -> None:
    """``forget:yes`` deletes, ``forget:no`` keeps; only ever the presser's own data."""
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    t = context.t
    if query.message is None or query.message.chat.type != query.message.chat.PRIVATE:
        # Only on the bot's question in the private chat, never on a post elsewhere.
        await query.answer(t("roles.bad_button"), show_alert=True)
        return
    await query.answer()
    if query.data != "forget:yes":
        await edit_in_place(query, t("privacy.kept"))
        return
    who = pseudonym(await context.store.pseudonym_key(), user_id)
    forgotten = await context.store.forget_member(user_id, who, context.now())
    # What the bot holds in memory about them goes too, and their own command menu.
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(user_id)
    cancel_albums_of(context, user_id)
    context.bot_data.flood.forget(user_id)
    context.bot_data.file_flood.forget(user_id)
    with contextlib.suppress(TelegramError):
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    for action_id, promoted in forgotten.promoted:
        action = await context.store.action(action_id)
        if action is not None:
            await tell_promoted(context, action, promoted)
    await edit_in_place(
        query,
        t(
            "privacy.done",
            roles=forgotten.roles,
            answers=forgotten.answers,
            reports=forgotten.reports,
            media=forgotten.media,
            messages=forgotten.messages,
            pseudonym=who,
        ),
    )
