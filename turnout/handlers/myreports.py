"""/myreports: a member's reports, their review status and the reviewers' note; a report still
waiting can be withdrawn."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.usecases import reports
from turnout.views.buttons import WithdrawReport
from turnout.views.reports import my_reports


async def show_mine(update: Update, context: TurnoutContext) -> None:
    assert update.effective_user is not None
    listed, titles = await reports.mine(context.services, update.effective_user.id)
    await reply(update, my_reports(context.t, listed, titles))


async def withdraw_button(update: Update, context: TurnoutContext, data: WithdrawReport) -> None:
    query = update.callback_query
    assert query is not None
    await reports.withdraw(context.services, query.from_user.id, data.report)
    await query.answer(context.t("report.withdrawn"))
    listed, titles = await reports.mine(context.services, query.from_user.id)
    mine = my_reports(context.t, listed, titles)
    await edit_in_place(query, mine.text, mine.markup)
