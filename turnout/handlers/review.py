"""/review: the oldest report waiting, its media as the member sent them (albums as albums, by
file id), then a card with Approve / Reject / Flag / Skip. Reject and Flag ask for a reason
(``review_reason``); Approve decides at once."""

from __future__ import annotations

from telegram import InputMediaDocument, InputMediaPhoto, InputMediaVideo, Update

from turnout.handlers import review_reason
from turnout.handlers.common.arguments import action_number
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.decisions import show_decided
from turnout.i18n import N_
from turnout.storage import ReportMedia, ReportStatus
from turnout.usecases import review
from turnout.usecases.errors import Gone, NotAllowed
from turnout.views.buttons import ReviewReport, ReviewVerb
from turnout.views.reports import STATUS_WORDS
from turnout.views.review import media_batches, review_card


async def review_command(update: Update, context: TurnoutContext) -> None:
    """``/review`` the oldest waiting report; ``/review <action>`` of that action only."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    number = action_number(context, N_("review.usage"))
    if number is not None and await context.store.action(number) is None:
        raise Gone("arguments.no_such_action", id=number)
    scope = await review.scope_for(context.services, user.id, number)
    await show_next(context, user.id, message.chat.id, scope, after=0)


async def show_next(
    context: TurnoutContext, user_id: int, chat_id: int, scope: int | None, after: int
) -> None:
    """The next report waiting after ``after`` (round to the oldest), or "none"."""
    shown, waiting = await review.next_report(context.services, user_id, scope, after)
    if shown is None:
        await context.bot.send_message(chat_id, context.t("review.nothing"))
        return
    await send_media(context, chat_id, shown.report.media)
    card = review_card(
        context.t, shown.report, shown.title, shown.who, context.settings.timezone, scope, waiting
    )
    await context.bot.send_message(chat_id, card.text, reply_markup=card.markup)


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


async def review_button(update: Update, context: TurnoutContext, data: ReviewReport) -> None:
    """Approve, Skip and Next here; Reject and Flag ask for a reason first."""
    query = update.callback_query
    assert query is not None
    s, user_id = context.services, query.from_user.id
    scope = data.scope or None  # 0 on older cards: every action
    chat_id = query.message.chat.id if query.message else user_id
    if data.verb in (ReviewVerb.SKIP, ReviewVerb.NEXT):
        if not await review.may_review(s, user_id, scope=scope, report=data.report, browsing=True):
            raise NotAllowed()
        await query.answer()
        await show_next(context, user_id, chat_id, scope, after=data.report)
        return
    if data.verb is ReviewVerb.APPROVE:
        decision, shown = await review.decide(s, user_id, data.report, ReportStatus.APPROVED, None)
        await query.answer()
        await show_decided(update, context, shown, decision.decided, scope, chat_id, None)
        return
    if not await review.may_review(s, user_id, report=data.report):
        raise NotAllowed()
    report = await s.store.report(data.report)
    if report is None:
        raise Gone("review.gone")
    if report.status is not ReportStatus.PENDING:
        # Decided meanwhile (by someone else, or on another device): no reason to ask for.
        status = context.t(STATUS_WORDS[report.status])
        await query.answer(context.t("review.already_decided", status=status), show_alert=True)
        shown = await review.show(s, report, user_id)
        await show_decided(update, context, shown, False, scope, chat_id, None)
        return
    flag = data.verb is ReviewVerb.FLAG
    card = query.message.message_id if query.message else None
    await review_reason.begin(update, context, data.report, flag, scope, chat_id, card)
