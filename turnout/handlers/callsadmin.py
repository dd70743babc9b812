"""/calls: recent and scheduled calls; edit the text of every copy, delete every copy, or
cancel a schedule. Edits and deletions reach channels and subscribers through the outbox."""

from __future__ import annotations

import json
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from turnout.bot.context import TurnoutContext
from turnout.delivery import Payload
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.registry import conversation_handler, guarded, stopper
from turnout.i18n import N_
from turnout.permissions import BROADCASTERS
from turnout.storage import Call, CallStatus
from turnout.views.calls import call_list, call_parts, parts_in, purpose, text_part
from turnout.views.reply import Reply

NEW_TEXT = 0
EDITING = "editing_call"


async def show_calls(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    reply = await _listing(context)
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def calls_button(update: Update, context: TurnoutContext) -> None:
    """``calls:delete:<id>`` asks, ``calls:delete_yes:<id>`` deletes every copy,
    ``calls:unschedule:<id>`` cancels a scheduled call."""
    query = update.callback_query
    assert query is not None
    _, verb, number = [*(query.data or "").split(":"), "", ""][:3]
    call = await context.store.call(as_id(number) or 0)
    t, now = context.t, context.now()
    if call is None:
        await query.answer(t("calls.gone"), show_alert=True)
        return
    if verb == "delete" and call.status is CallStatus.PUBLISHED:
        await query.answer()
        confirm = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("calls.button.delete_yes"), callback_data=f"calls:delete_yes:{call.id}"
                    )
                ]
            ]
        )
        await context.bot.send_message(
            query.from_user.id, t("calls.delete_confirm", id=call.id), reply_markup=confirm
        )
        return
    if verb == "delete_yes" and call.status is CallStatus.PUBLISHED:
        # Copies on their way this instant can be deleted only once they have arrived.
        if await context.store.call_copies_in_flight(call.id):
            await query.answer(t("calls.still_sending"), show_alert=True)
            return
        if not await context.store.delete_call(call.id, query.from_user.id, now):
            await query.answer(t("calls.gone"), show_alert=True)
            return
        # Every message of the call in each chat (media and text, when it was sent as two).
        copies: dict[int, tuple[int, ...]] = {}
        for name, chat_id, ids in await context.store.sent_copies(f"call:{call.id}:"):
            if name.endswith((":text", ":media")):
                copies[chat_id] = copies.get(chat_id, ()) + ids
        await context.outbox.enqueue(
            purpose(call.id, "delete"),
            [(chat_id, Payload(delete=ids)) for chat_id, ids in copies.items()],
        )
        await query.answer(t("calls.deleting", count=len(copies)), show_alert=True)
        return
    if verb == "unschedule" and await context.store.set_call_status(
        call.id, CallStatus.DRAFT, query.from_user.id, now, expected=CallStatus.SCHEDULED
    ):
        await query.answer(t("calls.unscheduled"))
        reply = await _listing(context)
        await edit_in_place(query, reply.text, reply.markup)
        return
    await query.answer(t("calls.gone"), show_alert=True)


async def ask_text(update: Update, context: TurnoutContext) -> int:
    """``calls:edit:<id>``: the new text, please."""
    query = update.callback_query
    assert query is not None
    number = (query.data or "").rpartition(":")[2]
    call = await context.store.call(as_id(number) or 0)
    if call is None or call.status is not CallStatus.PUBLISHED:
        await query.answer(context.t("calls.gone"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    if context.user_data is not None:
        context.user_data[EDITING] = call.id
    await context.bot.send_message(query.from_user.id, context.t("calls.ask_text", id=call.id))
    return NEW_TEXT


async def got_text(update: Update, context: TurnoutContext) -> int:
    """Replace the text of every copy (the message, or the caption it is in)."""
    message = update.effective_message
    assert message is not None
    assert update.effective_user is not None
    call_id = context.user_data.pop(EDITING, None) if context.user_data is not None else None
    call = await context.store.call(call_id) if isinstance(call_id, int) else None
    if call is None or not message.text:
        await message.reply_text(context.t("calls.gone"))
        return ConversationHandler.END
    entities = json.dumps([entity.to_dict() for entity in message.entities or ()])
    edited = replace(call, text=message.text, entities=entities)
    t = context.catalogs.translator(context.catalogs.default_language)
    before = call_parts(call, t, context.bot.username)
    after = call_parts(edited, t, context.bot.username)
    # A text that moves from a caption to its own message (or back) cannot be edited in place.
    if [name for name, _ in before] != [name for name, _ in after]:
        await message.reply_text(context.t("calls.layout_changed"))
        return ConversationHandler.END
    now = context.now()
    if not await context.store.edit_call_text(
        call.id, message.text, entities, update.effective_user.id, now
    ):
        await message.reply_text(context.t("calls.gone"))  # deleted meanwhile
        return ConversationHandler.END
    count = await _edit_everywhere(context, edited)
    await message.reply_text(context.t("calls.editing", count=count))
    return ConversationHandler.END


async def _edit_everywhere(context: TurnoutContext, call: Call) -> int:
    """Edit the copies already sent; give those still queued the new text. Each copy in the
    language it went out in: the default in channels, the subscriber's own in private."""
    catalogs = context.catalogs
    default = catalogs.default_language
    found = text_part(call_parts(call, catalogs.translator(default), context.bot.username))
    if found is None:
        return 0
    part = found[0]
    part_purpose = purpose(call.id, part)
    now = context.now()
    copies = await context.store.sent_copies(part_purpose)
    pending = await context.store.pending_chats(part_purpose)
    languages = await context.store.languages_of(
        [chat for chat in (*pending, *(chat for _, chat, _ in copies)) if chat > 0]
    )

    def language(chat: int) -> str:
        return catalogs.resolve(languages.get(chat, default))

    wanted = {default} | {language(chat) for chat in languages}
    payloads = {
        lang: dict(parts)[part]
        for lang, parts in parts_in(
            call, {lang: catalogs.translator(lang) for lang in wanted}, context.bot.username
        ).items()
    }
    for lang, payload in payloads.items():
        chats = [chat for chat in pending if language(chat) == lang]
        if chats:
            await context.store.rewrite_pending(part_purpose, payload.to_json(), now, chats)
    # Microseconds: two edits within one second (two broadcasters) must be two batches.
    stamp = now.strftime("%Y%m%d%H%M%S%f")
    edits = [
        (chat_id, replace(payloads[language(chat_id)], edit_of=ids[0]))
        for _, chat_id, ids in copies
        if ids
    ]
    await context.outbox.enqueue(purpose(call.id, f"edit-{stamp}"), edits)
    return len(edits)


async def _listing(context: TurnoutContext) -> Reply:
    calls = await context.store.recent_calls(10)
    sent = {}
    for call in calls:
        copies = await context.store.sent_copies(f"call:{call.id}:")
        sent[call.id] = len(
            {chat for name, chat, _ in copies if name.endswith((":text", ":media"))}
        )
    return call_list(context.t, calls, sent)


def edit_conversation() -> ConversationHandler[TurnoutContext]:
    handlers: list[BaseHandler[Update, TurnoutContext, object]] = [
        MessageHandler(filters.TEXT & ~filters.COMMAND, guarded(got_text, BROADCASTERS))
    ]
    return conversation_handler(
        entry_points=[
            CallbackQueryHandler(guarded(ask_text, BROADCASTERS), pattern=r"^calls:edit:\d+$")
        ],
        states={NEW_TEXT: handlers},
        fallbacks=[CommandHandler("cancel", stopper(N_("edit.stopped"), EDITING))],
        name="edit-call",
        allow_reentry=True,
    )
