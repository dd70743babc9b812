"""Publishing an approved report to a linked channel: which channel, then the post (its media
and text, never who sent it), and what was left out and why."""

from __future__ import annotations

from telegram import Update

from turnout.export.reasons import explain
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import reply
from turnout.usecases import publishing
from turnout.usecases.errors import Declined
from turnout.views.buttons import PublishReport
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
    report, channel = await publishing.reserve(s, user_id, data.report, data.channel)
    await query.answer(t("publish.working"))
    try:
        published = await publishing.post(s, report, channel)
    except Declined as error:
        # Past the toast: what went wrong is a message of its own.
        await reply(update, error.text(t))
        return
    lines = [t("publish.done", id=data.report, channel=published.channel.title)]
    lines += [explain(t, reason) for reason in published.left_out]
    await reply(update, "\n".join(lines))
