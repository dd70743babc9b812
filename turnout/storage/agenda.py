"""When the next timed work is due: a reminder, a change notice, a scheduled call, a question
that lapses unanswered, an action's safety check at its end, or its thank-you asking for photos
a while after. The scheduler books its next run at that moment."""

from __future__ import annotations

from datetime import datetime, timedelta

from turnout.storage.aftermath import END_PARAMS, sql_span
from turnout.storage.base import StoreBase, from_db_time


class AgendaQueries(StoreBase):
    async def next_planned_due(
        self, photos_after: timedelta = timedelta(minutes=30)
    ) -> datetime | None:
        """The next moment something is due, or None when nothing is planned. An action's
        safety check counts only with someone checked in, its thank-you only with someone
        there or going: without them there is nobody to ask (``due_safety_checks`` settles
        the first kind when the planner next runs). An action cancelled while under way is
        still checked: those who were there are asked."""
        row = await self._fetch_one(
            """
            SELECT MIN(due_at) AS due_at FROM (
                SELECT due_at FROM reminders WHERE status = 'planned'
                UNION ALL
                SELECT due_at FROM action_notices WHERE status = 'planned'
                UNION ALL
                SELECT publish_at FROM calls WHERE status IN ('scheduled', 'awaiting')
                UNION ALL
                SELECT expires_at FROM prompts
                UNION ALL
                SELECT COALESCE(ends_at, datetime(starts_at, :default)) FROM actions
                WHERE status IN ('planned', 'cancelled') AND safety_round = 0
                  AND EXISTS (SELECT 1 FROM checkins WHERE action_id = actions.id)
                UNION ALL
                SELECT datetime(COALESCE(ends_at, datetime(starts_at, :default)), :after)
                FROM actions
                WHERE status = 'planned' AND photos_asked = 0
                  AND (EXISTS (SELECT 1 FROM checkins WHERE action_id = actions.id)
                       OR EXISTS (SELECT 1 FROM rsvps
                                  WHERE action_id = actions.id AND answer = 'going'))
            )
            """,
            {**END_PARAMS, "after": sql_span(photos_after)},
        )
        return None if row is None or row["due_at"] is None else from_db_time(row["due_at"])
