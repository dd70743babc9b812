"""The day of many actions in counts, at once: attendance, the safety check's answers and the
reports about each, for ``/stats`` over everything and for the export (README, "Action day").

One action's numbers come from ``attendance`` and ``safety_counts`` (``checkins``); these are
the same counts for every action chosen, in one query, so an export of a thousand actions does
not ask three thousand times. Counts only: nothing here says who checked in or who needed help.
"""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time
from turnout.storage.models import Attendance, SafetyCounts
from turnout.storage.records import DayNumbers


class DayNumberQueries(StoreBase):
    async def day_numbers(
        self,
        *,
        action_id: int | None = None,
        campaign_id: int | None = None,
        held_by: datetime | None = None,
    ) -> dict[int, DayNumbers]:
        """Each action's numbers by id: all actions, one, or one campaign's; with ``held_by``,
        only the actions that had begun by then and were not cancelled. The safety answers
        only of actions where the safety check was asked (``actions.safety_round``)."""
        rows = await self._fetch_all(
            """
            WITH chosen AS (
                SELECT id, safety_round FROM actions
                WHERE (:action_id IS NULL OR id = :action_id)
                  AND (:campaign_id IS NULL OR campaign_id = :campaign_id)
                  AND (:held_by IS NULL OR (starts_at <= :held_by AND status != 'cancelled'))
            ),
            going AS (
                SELECT action_id, COUNT(*) AS going FROM rsvps
                WHERE answer = 'going' AND action_id IN (SELECT id FROM chosen)
                GROUP BY action_id
            ),
            here AS (
                SELECT action_id, COUNT(*) AS here, SUM(confirmed) AS confirmed,
                       SUM(safety = 'safe') AS safe, SUM(safety = 'help') AS help,
                       SUM(safety IS NULL) AS no_answer
                FROM checkins WHERE action_id IN (SELECT id FROM chosen)
                GROUP BY action_id
            ),
            reported AS (
                SELECT action_id, COUNT(*) AS reports FROM reports
                WHERE status != 'draft' AND action_id IN (SELECT id FROM chosen)
                GROUP BY action_id
            )
            SELECT chosen.id, chosen.safety_round,
                   COALESCE(going.going, 0) AS going, COALESCE(here.here, 0) AS here,
                   COALESCE(here.confirmed, 0) AS confirmed, COALESCE(here.safe, 0) AS safe,
                   COALESCE(here.help, 0) AS help, COALESCE(here.no_answer, 0) AS no_answer,
                   COALESCE(reported.reports, 0) AS reports
            FROM chosen
            LEFT JOIN going ON going.action_id = chosen.id
            LEFT JOIN here ON here.action_id = chosen.id
            LEFT JOIN reported ON reported.action_id = chosen.id
            ORDER BY chosen.id
            """,
            {
                "action_id": action_id,
                "campaign_id": campaign_id,
                "held_by": None if held_by is None else to_db_time(held_by),
            },
        )
        return {
            int(row["id"]): DayNumbers.of(
                Attendance(int(row["going"]), int(row["here"]), int(row["confirmed"])),
                SafetyCounts(int(row["safe"]), int(row["help"]), int(row["no_answer"]))
                if row["safety_round"] > 0
                else None,
                int(row["reports"]),
            )
            for row in rows
        }
