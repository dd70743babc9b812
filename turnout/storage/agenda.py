"""When the next timed work is due: a reminder, a change notice, a scheduled call, or a
question that lapses unanswered. The scheduler books its next run at that moment."""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, from_db_time


class AgendaQueries(StoreBase):
    async def next_planned_due(self) -> datetime | None:
        """The next moment something is due, or None when nothing is planned."""
        row = await self._fetch_one(
            """
            SELECT MIN(due_at) AS due_at FROM (
                SELECT due_at FROM reminders WHERE status = 'planned'
                UNION ALL
                SELECT due_at FROM action_notices WHERE status = 'planned'
                UNION ALL
                SELECT publish_at FROM calls WHERE status = 'scheduled'
                UNION ALL
                SELECT expires_at FROM prompts
            )
            """,
            {},
        )
        return None if row is None or row["due_at"] is None else from_db_time(row["due_at"])
