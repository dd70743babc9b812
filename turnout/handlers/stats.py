"""``/stats [action]``: the counts, and a chart of RSVPs and reports over time."""

from __future__ import annotations

import asyncio
import functools

from telegram import Update

from turnout.export.charts import ChartWords, activity_chart
from turnout.handlers.common.arguments import action_number
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import reply
from turnout.i18n import N_
from turnout.usecases import exports
from turnout.views.stats import stats_text
from turnout.views.timefmt import short_day


async def stats_command(update: Update, context: TurnoutContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    t, s = context.t, context.services
    scope = await exports.action_scope(s, action_number(context, N_("stats.usage")))
    about = scope.action.title if scope.action else t("stats.everything")
    counts, rsvps, reports = await exports.stats(s, user.id, scope)
    await reply(update, stats_text(t, counts, about))
    if not rsvps and not reports:
        return
    words = ChartWords(
        title=about,
        rsvps=t("stats.chart.rsvps"),
        reports=t("stats.chart.reports"),
        per_day=t("stats.chart.per_day"),
        totals=t("stats.chart.totals"),
    )
    # Drawing takes a moment: in a worker thread, not the one answering everyone else.
    chart = await asyncio.to_thread(
        activity_chart,
        rsvps,
        reports,
        words,
        today=context.now().date(),  # the counts are per UTC day
        day_label=functools.partial(short_day, language=t.language),
    )
    await message.reply_photo(chart, caption=t("stats.chart.caption"))
