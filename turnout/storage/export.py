"""Queries that read everything for an export or the statistics, in batches.

An export of 100,000 reports must not hold them all in memory: each method returns one batch
after a key (keyset pagination), and the caller asks again with the last key it got.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from turnout.storage.base import StoreBase, from_db_time
from turnout.storage.models import Action, Answer, Report, ReportStatus, RsvpRecord
from turnout.storage.records import DayCount, Stats
from turnout.storage.rows import action_from, report_from

# Of one campaign's actions, when ``:campaign_id`` is set.
_IN_CAMPAIGN = (
    "(:campaign_id IS NULL"
    " OR action_id IN (SELECT id FROM actions WHERE campaign_id = :campaign_id))"
)


class ExportQueries(StoreBase):
    async def all_actions(self) -> dict[int, Action]:
        """Every action by id (there are few next to reports): titles and timezones."""
        rows = await self._fetch_all("SELECT * FROM actions ORDER BY id", {})
        return {row["id"]: action_from(row) for row in rows}

    async def reports_after(
        self, action_id: int | None, after: int, limit: int, campaign_id: int | None = None
    ) -> list[Report]:
        """Up to ``limit`` submitted reports with ids above ``after``, with their media; of one
        action, of one campaign's actions, or all. Two queries per batch, whatever its size."""
        rows = await self._fetch_all(
            f"""
            SELECT * FROM reports
            WHERE id > :after AND status != 'draft'
              AND (:action_id IS NULL OR action_id = :action_id) AND {_IN_CAMPAIGN}
            ORDER BY id LIMIT :limit
            """,  # noqa: S608 - a constant
            {"after": after, "action_id": action_id, "limit": limit, "campaign_id": campaign_id},
        )
        if not rows:
            return []
        media = await self._fetch_all(
            """
            SELECT * FROM report_media
            WHERE report_id IN (SELECT value FROM json_each(:ids))
            ORDER BY report_id, message_id, id
            """,
            {"ids": json.dumps([row["id"] for row in rows])},
        )
        by_report = defaultdict(list)
        for item in media:
            by_report[item["report_id"]].append(item)
        return [report_from(row, by_report.get(row["id"], [])) for row in rows]

    async def rsvps_after(
        self,
        action_id: int | None,
        after: tuple[int, int],
        limit: int,
        campaign_id: int | None = None,
    ) -> list[RsvpRecord]:
        """Up to ``limit`` RSVPs after (action id, user id), in that order."""
        rows = await self._fetch_all(
            f"""
            SELECT action_id, user_id, answer, answered_at FROM rsvps
            WHERE (action_id, user_id) > (:action, :user)
              AND (:action_id IS NULL OR action_id = :action_id) AND {_IN_CAMPAIGN}
            ORDER BY action_id, user_id LIMIT :limit
            """,  # noqa: S608 - a constant
            {
                "action": after[0],
                "user": after[1],
                "action_id": action_id,
                "limit": limit,
                "campaign_id": campaign_id,
            },
        )
        return [
            RsvpRecord(
                row["action_id"],
                row["user_id"],
                Answer(row["answer"]),
                from_db_time(row["answered_at"]),
            )
            for row in rows
        ]

    async def count_media(self, action_id: int | None, campaign_id: int | None = None) -> int:
        """Media items of submitted reports (of one action, one campaign, or all): an
        export's total."""
        row = await self._fetch_one(
            f"""
            SELECT COUNT(*) FROM report_media JOIN reports ON reports.id = report_id
            WHERE reports.status != 'draft' AND (:action_id IS NULL OR action_id = :action_id)
              AND {_IN_CAMPAIGN}
            """,  # noqa: S608 - a constant
            {"action_id": action_id, "campaign_id": campaign_id},
        )
        return int(row[0]) if row else 0

    async def stats_counts(self, action_id: int | None) -> Stats:
        """The numbers of ``/stats``: RSVPs by answer, reports by status, members."""
        rsvps = await self._fetch_all(
            """
            SELECT answer, COUNT(*) AS n FROM rsvps
            WHERE (:action_id IS NULL OR action_id = :action_id) GROUP BY answer
            """,
            {"action_id": action_id},
        )
        reports = await self._fetch_all(
            """
            SELECT status, COUNT(*) AS n FROM reports
            WHERE status != 'draft' AND (:action_id IS NULL OR action_id = :action_id)
            GROUP BY status
            """,
            {"action_id": action_id},
        )
        members = await self._fetch_one(
            """
            SELECT COUNT(*), COALESCE(SUM(subscribed AND reachable), 0), COALESCE(SUM(reachable), 0)
            FROM members
            """,
            {},
        )
        assert members is not None
        return Stats(
            rsvps={Answer(row["answer"]): row["n"] for row in rsvps},
            reports={ReportStatus(row["status"]): row["n"] for row in reports},
            members=members[0],
            subscribers=members[1],
            reachable=members[2],
        )

    async def daily_counts(self, action_id: int | None) -> tuple[list[DayCount], list[DayCount]]:
        """(RSVPs, reports) per UTC day: answers by the day of their last change, reports by
        the day they were submitted."""
        rsvps = await self._fetch_all(
            """
            SELECT substr(answered_at, 1, 10) AS day, COUNT(*) AS n FROM rsvps
            WHERE (:action_id IS NULL OR action_id = :action_id) AND answer != 'not_going'
            GROUP BY day ORDER BY day
            """,
            {"action_id": action_id},
        )
        reports = await self._fetch_all(
            """
            SELECT substr(submitted_at, 1, 10) AS day, COUNT(*) AS n FROM reports
            WHERE submitted_at IS NOT NULL AND (:action_id IS NULL OR action_id = :action_id)
            GROUP BY day ORDER BY day
            """,
            {"action_id": action_id},
        )
        return (
            [DayCount(date.fromisoformat(row["day"]), row["n"]) for row in rsvps],
            [DayCount(date.fromisoformat(row["day"]), row["n"]) for row in reports],
        )
