"""Organisers review what members sent: ``/review [action]``, Approve / Reject / Flag / Skip.

The report's media are shown first, as the member sent them (albums as albums, by file id),
then a card with the decisions. Two organisers deciding at once: the store lets only the first
decision through, and the second organiser sees whose it was.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InputMediaDocument, InputMediaPhoto, InputMediaVideo, Update
from telegram.error import BadRequest
from telegram.ext import (
    ConversationHandler,
)

from turnout.bot.context import TurnoutContext
from turnout.delivery.payload import Payload
from turnout.delivery.send import not_modified
from turnout.handlers.arguments import as_id, optional_action
from turnout.handlers.registry import REASON, refuse
from turnout.handlers.registry import reason_conversation as reasoned
from turnout.i18n import N_
from turnout.permissions import MANAGERS, ORGANISERS, allowed
from turnout.pseudonym import shown_as
from turnout.storage import Report, ReportMedia, ReportStatus
from turnout.views.review import (
    OUTCOME_FOR_MEMBER,
    decided_card,
    media_batches,
    reason_prompt,
    review_card,
)

MAX_REASON = 500
REASON_WAIT = timedelta(minutes=10)
# user_data key: (report id, decision, scope, card message id) while a reason is awaited.
AWAITING = "review_reason"


async def review_command(update: Update, context: TurnoutContext) -> None:
    """``/review`` the oldest pending report; ``/review <action id>`` of that action only."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    valid, action = await optional_action(message, context, N_("review.usage"))
    if not valid:
        return
    scope = action.id if action else None
    if not allowed(await context.roles_of(user.id), ORGANISERS):
        # A host reviews the reports of the actions they host, one action at a time.
        hosted = sorted(await context.store.hosted_action_ids(user.id))
        if scope is None and len(hosted) == 1:
            scope = hosted[0]
        elif scope is None:
            ids = ", ".join(str(action_id) for action_id in hosted)
            await message.reply_text(context.t("review.host_usage", actions=ids))
            return
        elif scope not in hosted:
            await refuse(update, context)
            return
    await show_next(context, message.chat.id, scope, after=0)


async def may_review(
    context: TurnoutContext,
    user_id: int,
    *,
    scope: int | None = None,
    report: int | None = None,
    browsing: bool = False,
) -> bool:
    """Organisers review everything. A host decides only reports about an action they host
    (``report``), and browses (Skip, Next: ``browsing``) only within one (``scope``)."""
    if allowed(await context.roles_of(user_id), ORGANISERS):
        return True
    hosted = await context.store.hosted_action_ids(user_id)
    if browsing and (scope is None or scope not in hosted):
        return False
    if report is not None:
        found = await context.store.report(report)
        return found is not None and found.action_id in hosted
    return scope is not None and scope in hosted


async def show_next(context: TurnoutContext, chat_id: int, scope: int | None, after: int) -> None:
    """The next pending report after ``after`` (wrapping round to the oldest), or "none"."""
    store = context.store
    report = await store.next_pending(scope, after) or await store.next_pending(scope, 0)
    if report is None:
        await context.bot.send_message(chat_id, context.t("review.nothing"))
        return
    await send_media(context, chat_id, report.media)
    title, who = await _about(context, report)
    waiting = await store.count_pending(scope)
    reply = review_card(context.t, report, title, who, _zone(context), scope, waiting)
    await context.bot.send_message(chat_id, reply.text, reply_markup=reply.markup)


async def send_media(context: TurnoutContext, chat_id: int, media: tuple[ReportMedia, ...]) -> None:
    """The media in the order sent: photos and videos in albums of up to ten, documents in
    albums of their own, voice notes and animations one by one; always by file id."""
    bot = context.bot
    for batch in media_batches(media):
        first = batch[0]
        if len(batch) > 1:
            await bot.send_media_group(chat_id, [_input_media(item) for item in batch])
        elif first.kind == "photo":
            await bot.send_photo(chat_id, first.file_id)
        elif first.kind == "video":
            await bot.send_video(chat_id, first.file_id)
        elif first.kind == "voice":
            await bot.send_voice(chat_id, first.file_id)
        elif first.kind == "animation":
            await bot.send_animation(chat_id, first.file_id)
        else:
            await bot.send_document(chat_id, first.file_id)


def _input_media(item: ReportMedia) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument:
    if item.kind == "photo":
        return InputMediaPhoto(item.file_id)
    if item.kind == "video":
        return InputMediaVideo(item.file_id)
    return InputMediaDocument(item.file_id)


async def review_button(update: Update, context: TurnoutContext) -> None:
    """``rv:ok|skip|next:<report>:<scope>``; Reject and Flag go through ``ask_reason``."""
    query = update.callback_query
    assert query is not None
    verb, report_id, scope = _parse(query.data)
    if report_id is None:
        await query.answer(context.t("review.gone"), show_alert=True)
        return
    browsing = verb in ("skip", "next")
    if not await may_review(
        context, query.from_user.id, scope=scope, report=report_id, browsing=browsing
    ):
        await refuse(update, context)
        return
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if browsing:
        await show_next(context, chat_id, scope, after=report_id)
    elif verb == "ok":
        await decide(update, context, report_id, ReportStatus.APPROVED, None, scope)


async def ask_reason(update: Update, context: TurnoutContext) -> int:
    """Reject or Flag pressed: ask for a reason (optional)."""
    query = update.callback_query
    assert query is not None
    verb, report_id, scope = _parse(query.data)
    if report_id is None:
        await query.answer(context.t("review.gone"), show_alert=True)
        return ConversationHandler.END
    if not await may_review(context, query.from_user.id, report=report_id):
        await refuse(update, context)
        return ConversationHandler.END
    await query.answer()
    status = ReportStatus.FLAGGED if verb == "flag" else ReportStatus.REJECTED
    card = query.message.message_id if query.message else None
    if context.user_data is not None:
        context.user_data[AWAITING] = (report_id, status, scope, card)
    reply = reason_prompt(context.t, report_id, status is ReportStatus.FLAGGED)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await context.bot.send_message(chat_id, reply.text, reply_markup=reply.markup)
    return REASON


async def got_reason(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    reason = (message.text or "").strip()
    if len(reason) > MAX_REASON:
        await message.reply_text(context.t("review.reason_too_long", limit=MAX_REASON))
        return REASON
    return await _decide_awaited(update, context, reason or None)


async def no_reason(update: Update, context: TurnoutContext) -> int:
    """ "No reason" under a prompt: only that prompt's report (an older prompt's button, after
    Reject was pressed on another report, decides nothing)."""
    query = update.callback_query
    assert query is not None
    _, report_id, _ = _parse(query.data)
    awaited = context.user_data.get(AWAITING) if context.user_data is not None else None
    if not isinstance(awaited, tuple) or awaited[0] != report_id:
        await query.answer(context.t("review.gone"), show_alert=True)
        return REASON if isinstance(awaited, tuple) else ConversationHandler.END
    await query.answer()
    return await _decide_awaited(update, context, None)


async def _decide_awaited(update: Update, context: TurnoutContext, reason: str | None) -> int:
    awaited = context.user_data.pop(AWAITING, None) if context.user_data is not None else None
    if not isinstance(awaited, tuple):
        return ConversationHandler.END
    report_id, status, scope, card = awaited
    await decide(update, context, report_id, status, reason, scope, card)
    return ConversationHandler.END


async def decide(
    update: Update,
    context: TurnoutContext,
    report_id: int,
    status: ReportStatus,
    reason: str | None,
    scope: int | None,
    card: int | None = None,
) -> None:
    """Record the decision (unless someone was first), update the card, tell the member."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None
    assert chat is not None
    # Here, not only at the button: every decision passes this point, roles may have changed.
    if not await may_review(context, user.id, report=report_id):
        await refuse(update, context)
        return
    outcome = await context.store.decide_report(report_id, status, reason, user.id, context.now())
    report = outcome.report
    if report is None:  # withdrawn by the member meanwhile
        await context.bot.send_message(chat.id, context.t("review.withdrawn"))
        return
    decided_by = None
    if not outcome.decided and report.reviewer is not None and report.reviewer != user.id:
        member = await context.store.member(report.reviewer)
        decided_by = member.first_name if member else context.t("review.another_organiser")
    title, who = await _about(context, report)
    # The member first: whatever happens to the card below, the decision is theirs to know.
    if outcome.decided:
        await _tell_member(context, report, title)
    publishes = allowed(await context.roles_of(user.id), ORGANISERS)
    reply = decided_card(
        context.t, report, title, who, _zone(context), decided_by, scope, can_publish=publishes
    )
    query = update.callback_query
    try:
        if query is not None and card is None and query.message is not None:
            await query.edit_message_text(reply.text, reply_markup=reply.markup)
        elif card is not None:
            await context.bot.edit_message_text(
                reply.text, chat.id, card, reply_markup=reply.markup
            )
        else:
            await context.bot.send_message(chat.id, reply.text, reply_markup=reply.markup)
    except BadRequest as error:
        # A second press on a card that already shows the decision changes nothing.
        if not not_modified(error):
            raise


async def _tell_member(context: TurnoutContext, report: Report, title: str | None) -> None:
    """In the member's language, through the outbox (they may have blocked the bot)."""
    member = await context.store.member(report.user_id)
    t = context.catalogs.translator(member.language if member else None)
    lines = [t(OUTCOME_FOR_MEMBER[report.status], id=report.id, about=title or t("report.other"))]
    if report.review_note:
        lines.append(t("report.note", note=report.review_note))
    payload = Payload("\n".join(lines))
    await context.outbox.enqueue(f"review:{report.id}", [(report.user_id, payload)])


async def _about(context: TurnoutContext, report: Report) -> tuple[str | None, str]:
    """The action's title and the member's pseudonym; their first name too only if they chose
    to show it (DESIGN.md §2.5)."""
    action = await context.store.action(report.action_id) if report.action_id else None
    member = await context.store.member(report.user_id)
    name = member.first_name if member is not None and member.show_name else None
    who = shown_as(await context.store.pseudonym_key(), report.user_id, name)
    return (action.title if action else None), who


def _zone(context: TurnoutContext) -> str:
    return context.settings.timezone


def _parse(data: str | None) -> tuple[str, int | None, int | None]:
    """``rv:<verb>:<report>[:<scope>]`` → (verb, report id or None if bad, scope or None)."""
    parts = [*(data or "").split(":"), "", "", ""]
    verb = parts[1]
    report = as_id(parts[2])
    scope = as_id(parts[3]) or None  # 0: all actions
    return verb, report, scope


def reason_conversation() -> ConversationHandler[TurnoutContext]:
    """Reject / Flag, then an optional reason."""
    return reasoned(
        name="review-reason",
        ask=ask_reason,
        ask_pattern=r"^rv:(no|flag):\d+",
        got=got_reason,
        bare=no_reason,
        bare_pattern=r"^rv:bare:\d+$",
        roles=MANAGERS,
        forget=AWAITING,
        stopped=N_("review.stopped"),
        wait=REASON_WAIT.total_seconds(),
    )
