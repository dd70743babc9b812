"""Publishing an approved report to a linked channel: which channel, then the post (its media
and text, never who sent it), and what was left out and why.

With faces to cover (README, "Faces"), the channel's button first shows the photos and videos
with their faces covered, and a card: Publish blurred, Publish as is, Cancel. Covering them runs
as a task of its own, so that the organiser's next updates are not held behind it."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from telegram import Message, Update
from telegram.error import TelegramError

from turnout.export.publishing import Ready
from turnout.export.reasons import explain
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.progress import counting
from turnout.handlers.common.replies import edit_buttons_in_place, edit_in_place, reply
from turnout.storage import Channel, Report
from turnout.usecases import publishing
from turnout.usecases.errors import Declined, UseCaseError
from turnout.views.buttons import PreviewVerb, PublishPreview, PublishReport
from turnout.views.preview import covered_caption, covering_progress, preview_card
from turnout.views.review import channel_choice


async def publish_button(update: Update, context: TurnoutContext, data: PublishReport) -> None:
    query = update.callback_query
    assert query is not None
    s, user_id, t = context.services, query.from_user.id, context.t
    if data.channel is None:
        report, channels = await publishing.approved(s, user_id, data.report)
        await query.answer()
        await reply(update, channel_choice(t, report.id, channels))
        return
    report, channel = await publishing.chosen(s, user_id, data.report, data.channel)
    if publishing.covers_faces(s, report):
        # Apart from this person's other updates, which would otherwise wait behind minutes of
        # video: they go on being answered meanwhile.
        context.application.create_task(_preview(update, context, report, channel), update)
        return
    reserved = await publishing.reserve(s, user_id, report, channel)
    await query.answer(t("publish.working"))
    await _post(update, context, reserved)


async def _preview(
    update: Update, context: TurnoutContext, report: Report, channel: Channel
) -> None:
    """Cover the faces, show the media, then the card; this can take a while (a video)."""
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    t, chat_id = context.t, query.message.chat.id
    await query.answer(t("publish.faces.working_short"))
    status = await context.bot.send_message(chat_id, t("publish.faces.working", id=report.id))
    counted = counting(status, lambda done, total: covering_progress(t, report.id, done, total))
    try:
        shown = await publishing.preview(
            context.services, report, channel, _shower(context, chat_id), counted
        )
    except UseCaseError as error:  # past the toast: said in the status message
        await status.edit_text(error.text(t))
        return
    with contextlib.suppress(TelegramError):  # a status left behind is no harm
        await status.delete()
    channel_title = shown.channel.title
    reasons = [explain(t, reason) for reason in shown.left_out]
    card = preview_card(t, shown.preview, channel_title, reasons, differs=shown.differs)
    await reply(update, card)


def _shower(context: TurnoutContext, chat_id: int) -> publishing.Show:
    """Sends the covered media to the organiser, each captioned with its faces; returns the
    file id of each."""

    async def show(items: Sequence[Ready]) -> list[str]:
        captions = [covered_caption(context.t, item.faces) for item in items]
        sent: list[Message] = []
        await publishing.send_items(context.bot, chat_id, items, captions, sent)
        return [_file_id(message) for message in sent]

    return show


def _file_id(message: Message) -> str:
    if message.photo:
        return message.photo[-1].file_id
    if message.video is not None:
        return message.video.file_id
    if message.animation is not None:
        return message.animation.file_id
    raise Declined("publish.faces.unavailable")  # Telegram kept no file: nothing to post


async def preview_button(update: Update, context: TurnoutContext, data: PublishPreview) -> None:
    """Publish blurred, Publish as is, or Cancel, under a preview."""
    query = update.callback_query
    assert query is not None
    s, user_id, t = context.services, query.from_user.id, context.t
    card = query.message
    text = card.text_html if isinstance(card, Message) and card.text else ""
    if data.verb is PreviewVerb.CANCEL:
        await publishing.cancelled(s, user_id, data.preview)
        await query.answer()
        await edit_in_place(query, f"{text}\n\n{t('publish.faces.cancelled')}")
        return
    as_is = data.verb is PreviewVerb.AS_IS
    reserved = await publishing.choose(s, user_id, data.preview, as_is=as_is)
    await query.answer(t("publish.working"))
    with contextlib.suppress(TelegramError):  # the claim, not the card, keeps it from twice
        await edit_buttons_in_place(query, None)
    await _post(update, context, reserved, as_is=as_is)


async def _post(
    update: Update, context: TurnoutContext, reserved: publishing.Reserved, *, as_is: bool = False
) -> None:
    t = context.t
    try:
        published = await publishing.post(context.services, reserved)
    except Declined as error:
        # Past the toast: what went wrong is a message of its own.
        await reply(update, error.text(t))
        return
    lines = [t("publish.done", id=reserved.report.id, channel=published.channel.title)]
    if as_is:
        lines.append(t("publish.faces.published_as_is"))
    lines += [explain(t, reason) for reason in published.left_out]
    await reply(update, "\n".join(lines))
