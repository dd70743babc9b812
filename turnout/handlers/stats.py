"""``/stats [action]``: the counts, the day of the action in counts, and a chart of RSVPs and
reports over time (marking the action's start and end when it is about one)."""

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
from turnout.views.timefmt import local_time, short_day


async def stats_command(update: Update, context: TurnoutContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    t, s = context.t, context.services
    scope = await exports.action_scope(s, action_number(context, N_("stats.usage")))
    action = scope.action
    about = action.title if action else t("stats.everything")
    figures = await exports.stats(s, user.id, scope)
    await reply(update, stats_text(t, figures.counts, about, figures.day, total=action is None))
    if not figures.rsvps and not figures.reports:
        return
    span, start, end = None, "", ""
    if action is not None:
        span = (action.starts_at, action.end)
        start = t("stats.day.chart.start", time=local_time(span[0], context.timezone, t.language))
        end = t("stats.day.chart.end", time=local_time(span[1], context.timezone, t.language))
    words = ChartWords(
        title=about,
        rsvps=t("stats.chart.rsvps"),
        reports=t("stats.chart.reports"),
        per_day=t("stats.chart.per_day"),
        totals=t("stats.chart.totals"),
        start=start,
        end=end,
    )
    # Drawing takes a moment: in a worker thread, not the one answering everyone else.
    chart = await asyncio.to_thread(
        activity_chart,
        figures.rsvps,
        figures.reports,
        words,
        today=context.now().date(),  # the counts are per UTC day
        day_label=functools.partial(short_day, language=t.language),
        span=span,
    )
    await message.reply_photo(chart, caption=t("stats.chart.caption"))
