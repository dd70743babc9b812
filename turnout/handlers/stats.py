"""``/stats [action]``: the counts, and a chart of RSVPs and reports over time."""

from __future__ import annotations

import asyncio

from telegram import Update

from turnout.bot.context import TurnoutContext
from turnout.export.charts import activity_chart
from turnout.views.stats import stats_text


async def stats_command(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    assert message is not None
    t = context.t
    argument = (context.args or [""])[0]
    if argument and not argument.isdigit():
        await message.reply_text(t("stats.usage"))
        return
    action_id = int(argument) if argument else None
    action = await context.store.action(action_id) if action_id is not None else None
    if action_id is not None and action is None:
        await message.reply_text(t("review.no_such_action", id=action_id))
        return
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
