"""/settings: a member's language, timezone (a city, a zone or a UTC offset), the reminders they
want, and whether organisers see their name."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from turnout.bot.context import TurnoutContext
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.members import ensure_member
from turnout.handlers.registry import conversation_handler
from turnout.pseudonym import pseudonym
from turnout.scheduler.zones import resolve_timezone
from turnout.views.reply import Reply
from turnout.views.settings import language_choice, settings_view, toggled

TIMEZONE = 0


def _offered(context: TurnoutContext) -> list[int]:
    return [int(o.total_seconds() // 60) for o in context.settings.reminder_offsets]


async def _view(update: Update, context: TurnoutContext) -> Reply:
    member, _ = await ensure_member(update, context)
    who = pseudonym(await context.store.pseudonym_key(), member.user_id)
    return settings_view(context.t, member, _offered(context), context.now(), who)


async def show_settings(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    reply = await _view(update, context)
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def settings_button(update: Update, context: TurnoutContext) -> None:
    """``set:rem:<minutes|all|none>``: which reminders; ``set:lang[:<code>]``: the language;
    ``set:name``: show or hide the name to organisers. The message is updated in place."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    if query.message is None or query.message.chat.type != query.message.chat.PRIVATE:
        # Settings are answered in the private chat only, never on a post elsewhere.
        await query.answer(context.t("roles.bad_button"), show_alert=True)
        return
    if data.startswith(("set:name", "set:lang")):
        await _language_or_name(update, context, data)
        return
    choice = data.removeprefix("set:rem:")
    member, _ = await ensure_member(update, context)
    offered = _offered(context)
    if choice == "all":
        wanted: tuple[int, ...] | None = None
    elif choice == "none":
        wanted = ()
    elif as_id(choice) is not None:
        wanted = toggled(member.reminder_minutes, offered, int(choice))
    else:
        await query.answer(context.t("roles.bad_button"), show_alert=True)
        return
    await context.store.set_reminder_minutes(member.user_id, wanted, context.now())
    await query.answer(context.t("settings.saved"))
    reply = await _view(update, context)
    if query.message is not None:
        await edit_in_place(query, reply.text, reply.markup)


async def _language_or_name(update: Update, context: TurnoutContext, data: str) -> None:
    query = update.callback_query
    assert query is not None
    member, _ = await ensure_member(update, context)
    if data == "set:lang":
        await query.answer()
        reply = language_choice(context.t, context.catalogs.languages)
        if query.message is not None:
            await edit_in_place(query, reply.text, reply.markup)
        return
    now = context.now()
    if data in ("set:name:on", "set:name:off"):
        # Set, not flipped: a press on an older settings message means what its label said.
        await context.store.set_show_name(member.user_id, data == "set:name:on", now)
    elif data.startswith("set:name"):
        await query.answer(context.t("roles.bad_button"), show_alert=True)
        return
    else:
        language = data.removeprefix("set:lang:")
        if language not in context.catalogs.languages:
            await query.answer(context.t("roles.bad_button"), show_alert=True)
            return
        await context.store.set_language(member.user_id, language, now)
        context.language = language  # this very answer already in the new language
        await context.refresh_menu(member.user_id)  # and the command menu
    await query.answer(context.t("settings.saved"))
    reply = await _view(update, context)
    if query.message is not None:
        await edit_in_place(query, reply.text, reply.markup)


async def ask_timezone(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await context.bot.send_message(query.from_user.id, context.t("settings.ask_timezone"))
    return TIMEZONE


async def got_timezone(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    zone = await asyncio.to_thread(resolve_timezone, message.text or "")
    if zone is None:
        await message.reply_text(context.t("settings.bad_timezone"))
        return TIMEZONE
    member, _ = await ensure_member(update, context)
    await context.store.set_timezone(member.user_id, zone, context.now())
    reply = await _view(update, context)
    await message.reply_text(context.t("settings.timezone_set", timezone=zone))
    await message.reply_text(reply.text, reply_markup=reply.markup)
    return ConversationHandler.END


async def keep_timezone(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    if message is not None:
        await message.reply_text(context.t("settings.unchanged"))
    return ConversationHandler.END


def timezone_conversation() -> ConversationHandler[TurnoutContext]:
    return conversation_handler(
        entry_points=[CallbackQueryHandler(ask_timezone, pattern=r"^set:tz$")],
        states={TIMEZONE: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_timezone)]},
        fallbacks=[CommandHandler("cancel", keep_timezone)],
        name="settings-timezone",
        allow_reentry=True,
    )
