"""/newcall: compose a call once, choose where it goes, preview it exactly, publish or schedule.

The text keeps the author's own formatting (Telegram's entities), and may come with a photo,
video or document; the parts of an album, which arrive as separate messages, are gathered by
their ``media_group_id`` so that an album is posted as an album.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from turnout.bot.context import TurnoutContext
from turnout.delivery.progress import follow_progress
from turnout.delivery.send import send_payload
from turnout.handlers.actions import reader_timezone
from turnout.handlers.albums import after_album
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.registry import conversation_handler
from turnout.handlers.timeinput import AMBIGUITIES, REFUSALS
from turnout.permissions import BROADCASTERS, allowed
from turnout.scheduler.calls import publish_call
from turnout.scheduler.planner import wake_planner_at_next
from turnout.scheduler.timeparse import Ambiguous, Parsed, Refused, parse_time
from turnout.storage import Call, CallStatus, Role
from turnout.views.calls import call_parts, compose_options
from turnout.views.delivery import progress
from turnout.views.reply import Reply
from turnout.views.timefmt import local_time

COMPOSE, OPTIONS, ACTION, WHEN, CAMPAIGN = range(5)
DRAFT = "new_call"
ADMINS = ("administrator", "creator")


@dataclass
class CallDraft:
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, str]] = field(default_factory=list)
    album: str | None = None
    action_id: int | None = None
    action_title: str | None = None
    campaign_id: int | None = None
    campaign_name: str | None = None
    targets: set[int] = field(default_factory=set)
    to_subscribers: bool = False


def _draft(context: TurnoutContext) -> CallDraft:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    if not isinstance(draft, CallDraft):
        draft = CallDraft()
        data[DRAFT] = draft
    return draft


async def begin(update: Update, context: TurnoutContext) -> int:
    if context.user_data is not None:
        context.user_data[DRAFT] = CallDraft()
    message = update.effective_message
    assert message is not None
    await message.reply_text(context.t("newcall.ask"))
    return COMPOSE


async def got_content(update: Update, context: TurnoutContext) -> int:
    """The call itself: text, or media with a caption; the first part of an album."""
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    if not _take(message, draft):
        await message.reply_text(context.t("newcall.unsupported"))
        return COMPOSE
    if message.media_group_id is not None:
        # More parts of the album are on their way: collect them, then show the options once.
        draft.album = message.media_group_id
        _debounce_options(update, context)
        return OPTIONS
    await _show_options(context, message.chat.id)
    return OPTIONS


async def got_album_part(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    if message.media_group_id is None or message.media_group_id != draft.album:
        await message.reply_text(context.t("newcall.expected"))
        return OPTIONS
    _take(message, draft)
    _debounce_options(update, context)
    return OPTIONS


def _take(message: Message, draft: CallDraft) -> bool:
    """Add what the message carries to the draft; False if it carries nothing usable."""
    item: dict[str, str] | None = None
    if message.photo:
        item = {"kind": "photo", "file_id": message.photo[-1].file_id}
    elif message.video is not None:
        item = {"kind": "video", "file_id": message.video.file_id}
    elif message.document is not None:
        item = {"kind": "document", "file_id": message.document.file_id}
    if item is not None:
        draft.media.append(item)
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or ()
    if text and not draft.text:
        draft.text = text
        draft.entities = [entity.to_dict() for entity in entities]
    return item is not None or bool(text)


def _debounce_options(update: Update, context: TurnoutContext) -> None:
    """Show the options 1.5 s after the last album part, once."""
    chat = update.effective_chat
    assert chat is not None

    async def show() -> None:
        # The update's context still holds this user's draft and the shared store and bot.
        await _show_options(context, chat.id)

    after_album(context, f"album-options-{chat.id}", 1.5, show)


async def _options(context: TurnoutContext, draft: CallDraft) -> Reply:
    """What the draft holds, and the choices before publishing."""
    channels = await context.store.channels()
    reply = compose_options(
        context.t,
        channels,
        draft.targets,
        draft.to_subscribers,
        draft.action_title,
        draft.campaign_name,
    )
    summary = context.t("newcall.summary", media=len(draft.media), chars=len(draft.text))
    return Reply(summary + "\n\n" + reply.text, reply.markup)


async def _show_options(context: TurnoutContext, chat_id: int) -> None:
    draft = (context.user_data or {}).get(DRAFT)
    if not isinstance(draft, CallDraft):
        return
    reply = await _options(context, draft)
    await context.bot.send_message(chat_id, reply.text, reply_markup=reply.markup)


async def option(update: Update, context: TurnoutContext) -> int:
    """``nc:target:<id>``, ``nc:subscribers``: toggles, shown again in place."""
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    data = query.data or ""
    if data.startswith("nc:target:"):
        chat_id = int(data.rpartition(":")[2])
        draft.targets ^= {chat_id}
    elif data == "nc:subscribers":
        draft.to_subscribers = not draft.to_subscribers
    await query.answer()
    reply = await _options(context, draft)
    await edit_in_place(query, reply.text, reply.markup)
    return OPTIONS


async def choose_action(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    actions = await context.store.upcoming_actions(context.now(), 10)
    rows = [
        [InlineKeyboardButton(action.title[:60], callback_data=f"nc:act:{action.id}")]
        for action in actions
    ]
    rows.append(
        [InlineKeyboardButton(context.t("newcall.button.no_action"), callback_data="nc:act:none")]
    )
    await context.bot.send_message(
        query.from_user.id, context.t("newcall.ask_action"), reply_markup=InlineKeyboardMarkup(rows)
    )
    return ACTION


async def action_chosen(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    choice = (query.data or "").rpartition(":")[2]
    action = await context.store.action(as_id(choice) or 0)
    draft.action_id = action.id if action else None
    draft.action_title = action.title if action else None
    await query.answer()
    await _show_options(context, query.from_user.id)
    return OPTIONS


async def choose_campaign(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    rows = [
        [InlineKeyboardButton(campaign.name[:60], callback_data=f"nc:camp:{campaign.id}")]
        for campaign in await context.store.campaigns(10)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                context.t("newcall.button.no_campaign"), callback_data="nc:camp:none"
            )
        ]
    )
    await context.bot.send_message(
        query.from_user.id,
        context.t("newcall.ask_campaign"),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return CAMPAIGN


async def campaign_chosen(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    campaign = await context.store.campaign(as_id((query.data or "").rpartition(":")[2]) or 0)
    draft.campaign_id = campaign.id if campaign else None
    draft.campaign_name = campaign.name if campaign else None
    await query.answer()
    await _show_options(context, query.from_user.id)
    return OPTIONS


async def preview(update: Update, context: TurnoutContext) -> int:
    """Send the call to the author exactly as it will be posted."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    call = _as_call(_draft(context), query.from_user.id, context.now())
    t = context.catalogs.translator(context.catalogs.default_language)
    await context.bot.send_message(query.from_user.id, context.t("newcall.preview"))
    for _, payload in call_parts(call, t, context.bot.username):
        await send_payload(context.bot, query.from_user.id, payload, 10.0)
    await _show_options(context, query.from_user.id)
    return OPTIONS


async def publish(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    if problem := await _check(update, context, draft):
        await query.answer(problem, show_alert=True)
        return OPTIONS
    await query.answer()
    now = context.now()
    created = await _store(context, draft, query.from_user.id, CallStatus.PUBLISHED, None, now)
    followed = await publish_call(context.bot_data, created, context.bot.username)
    status = await context.bot.send_message(query.from_user.id, context.t("newcall.publishing"))
    t = context.t
    context.application.create_task(
        follow_progress(
            context.outbox,
            followed,
            context.bot,
            query.from_user.id,
            status.message_id,
            lambda counts: progress(t, counts),
            running=lambda: context.application.running,
        ),
        name=f"progress-{followed}",
    )
    _forget(context)
    return ConversationHandler.END


async def ask_when(update: Update, context: TurnoutContext) -> int:
    query = update.callback_query
    assert query is not None
    if problem := await _check(update, context, _draft(context)):
        await query.answer(problem, show_alert=True)
        return OPTIONS
    await query.answer()
    await context.bot.send_message(
        query.from_user.id, context.t("newcall.ask_when", timezone=reader_timezone(context))
    )
    return WHEN


async def got_when(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    assert update.effective_user is not None
    zone, t = reader_timezone(context), context.t
    reading = parse_time(message.text or "", zone, context.now())
    if isinstance(reading, Refused):
        hint = local_time(reading.suggestion, zone, t.language) if reading.suggestion else ""
        await message.reply_text(t(REFUSALS[reading.reason], suggestion=hint, timezone=zone))
        return WHEN
    if isinstance(reading, Ambiguous):
        await message.reply_text(t(AMBIGUITIES[reading.reason]) + "\n" + t("newcall.be_exact"))
        return WHEN
    assert isinstance(reading, Parsed)
    draft = _draft(context)
    await _store(
        context, draft, update.effective_user.id, CallStatus.SCHEDULED, reading.at, context.now()
    )
    await wake_planner_at_next(context.application)
    await message.reply_text(t("newcall.scheduled", time=local_time(reading.at, zone, t.language)))
    _forget(context)
    return ConversationHandler.END


async def cancel(update: Update, context: TurnoutContext) -> int:
    _forget(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(context.t("newcall.cancelled"))
    return ConversationHandler.END


async def _check(update: Update, context: TurnoutContext, draft: CallDraft) -> str | None:
    """Why the call cannot go out yet, if anything: roles, somewhere to go, admin rights."""
    user = update.effective_user
    assert user is not None
    held = await context.roles_of(user.id)
    if not allowed(held, BROADCASTERS):
        return context.t("access.refused")
    if not draft.targets and not draft.to_subscribers:
        return context.t("newcall.nowhere")
    if Role.OWNER in held:
        return None
    for chat_id in sorted(draft.targets):
        try:
            member = await context.bot.get_chat_member(chat_id, user.id)
        except TelegramError:
            member = None
        if member is None or member.status not in ADMINS:
            channel = await context.store.channel(chat_id)
            return context.t("newcall.not_admin", title=channel.title if channel else chat_id)
    return None


async def _store(
    context: TurnoutContext,
    draft: CallDraft,
    author: int,
    status: CallStatus,
    publish_at: datetime | None,
    now: datetime,
) -> Call:
    return await context.store.create_call(
        author,
        draft.text,
        json.dumps(draft.entities),
        json.dumps(draft.media),
        draft.action_id,
        sorted(draft.targets),
        draft.to_subscribers,
        status,
        publish_at,
        now,
        campaign_id=draft.campaign_id,
    )


def _as_call(draft: CallDraft, author: int, now: datetime) -> Call:
    return Call(
        id=0,
        author=author,
        text=draft.text,
        entities=json.dumps(draft.entities),
        media=json.dumps(draft.media),
        action_id=draft.action_id,
        targets=tuple(sorted(draft.targets)),
        to_subscribers=draft.to_subscribers,
        status=CallStatus.DRAFT,
        publish_at=None,
        created_at=now,
        campaign_id=draft.campaign_id,
    )


def _forget(context: TurnoutContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def conversation(
    entry: BaseHandler[Update, TurnoutContext, object],
) -> ConversationHandler[TurnoutContext]:
    """The whole of /newcall; ``entry`` is the guarded command."""
    content = (
        (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.VIDEO | filters.Document.ALL
    )

    def on(pattern: str, callback: Any) -> CallbackQueryHandler[TurnoutContext, int]:
        return CallbackQueryHandler(callback, pattern=pattern)

    return conversation_handler(
        entry_points=[entry],
        states={
            COMPOSE: [MessageHandler(content, got_content)],
            OPTIONS: [
                MessageHandler(content, got_album_part),
                on(r"^nc:(target:-?\d+|subscribers)$", option),
                on(r"^nc:action$", choose_action),
                on(r"^nc:campaign$", choose_campaign),
                on(r"^nc:preview$", preview),
                on(r"^nc:publish$", publish),
                on(r"^nc:schedule$", ask_when),
                on(r"^nc:cancel$", cancel),
            ],
            ACTION: [on(r"^nc:act:(\d+|none)$", action_chosen)],
            CAMPAIGN: [on(r"^nc:camp:(\d+|none)$", campaign_chosen)],
            WHEN: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_when)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="newcall",
        allow_reentry=True,
    )
