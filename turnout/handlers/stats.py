"""``/stats [action]``: the counts, and a chart of RSVPs and reports over time."""

from __future__ import annotations

import asyncio

from telegram import Update

from turnout.bot.context import TurnoutContext
from turnout.export.charts import activity_chart
from turnout.handlers.arguments import optional_action
from turnout.i18n import N_
from turnout.views.stats import stats_text


async def stats_command(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    t = context.t
    valid, action = await optional_action(message, context, N_("stats.usage"))
    if not valid:
        return
    action_id = action.id if action else None
    about = action.title if action else t("stats.everything")
    stats = await context.store.stats_counts(action_id)
    await message.reply_text(stats_text(t, stats, about))
    rsvps, reports = await context.store.daily_counts(action_id)
    if not rsvps and not reports:
        return
    # Drawing takes a moment: in a worker thread, not the one answering everyone else.
    chart = await asyncio.to_thread(
        activity_chart,
        rsvps,
        reports,
        title=about,
        rsvps_label=t("stats.chart.rsvps"),
        reports_label=t("stats.chart.reports"),
    )
    await message.reply_photo(chart, caption=t("stats.chart.caption"))
