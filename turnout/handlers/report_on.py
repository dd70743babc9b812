"""The button under the thank-you after an action (README, "Action day"): a report about that
action, opened directly, without the picker /report shows."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import reply
from turnout.usecases import reports
from turnout.views.buttons import ReportOn
from turnout.views.reports import contents


async def report_on(update: Update, context: TurnoutContext, data: ReportOn) -> None:
    query = update.callback_query
    assert query is not None
    member = await known_member(update, context)
    opened = await reports.open_report_on(context.services, member.user_id, data.action)
    draft, t = opened.draft, context.t
    await query.answer()
    if draft.media or draft.text or draft.latitude is not None:
        await reply(update, t("report.in_progress", contents=contents(t, draft)))
    else:
        await reply(update, t("report.go_on"))
