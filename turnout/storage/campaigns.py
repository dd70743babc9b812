"""Campaigns: a name grouping calls and the actions made in answer to them."""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, folded, to_db_time, write_audit
from turnout.storage.models import Campaign, CampaignOverview, PlaceCount


class CampaignQueries(StoreBase):
    async def open_campaign(self, name: str, actor_id: int, now: datetime) -> tuple[Campaign, bool]:
        """The campaign of this name (any case), created if new; True if it was created."""
        async with self._transaction() as db:
            async with db.execute(
                "SELECT id, name FROM campaigns WHERE folded = :folded ORDER BY id LIMIT 1",
                {"folded": folded(name)},
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                return Campaign(row["id"], row["name"]), False
            cursor = await db.execute(
                """
                INSERT INTO campaigns (name, folded, created_by, created_at)
                VALUES (:name, :folded, :actor, :now)
                """,
                {"name": name, "folded": folded(name), "actor": actor_id, "now": to_db_time(now)},
            )
            campaign_id = cursor.lastrowid
            assert campaign_id is not None
            await write_audit(db, now, actor_id, "campaign:create", None, {"campaign": campaign_id})
        return Campaign(campaign_id, name), True

    async def campaign(self, campaign_id: int) -> Campaign | None:
        row = await self._fetch_one(
            "SELECT id, name FROM campaigns WHERE id = :id", {"id": campaign_id}
        )
        return None if row is None else Campaign(row["id"], row["name"])

    async def campaign_named(self, name: str) -> Campaign | None:
        row = await self._fetch_one(
            "SELECT id, name FROM campaigns WHERE folded = :folded ORDER BY id LIMIT 1",
            {"folded": folded(name)},
        )
        return None if row is None else Campaign(row["id"], row["name"])

    async def campaigns(self, limit: int = 20) -> list[Campaign]:
        """The newest campaigns first."""
        rows = await self._fetch_all(
            "SELECT id, name FROM campaigns ORDER BY id DESC LIMIT :limit", {"limit": limit}
        )
        return [Campaign(row["id"], row["name"]) for row in rows]

    async def campaign_overview(self, campaign: Campaign) -> CampaignOverview:
        """Its actions by country and city (cancelled ones left out), with the RSVPs going,
        the reports, the hosts and the calls."""
        params = {"id": campaign.id}
        places = await self._fetch_all(
            """
            SELECT country, city, MIN(city_id) AS city_id, COUNT(*) AS n FROM actions
            WHERE campaign_id = :id AND status != 'cancelled'
            GROUP BY country, city ORDER BY country, n DESC, city
            """,
            params,
        )
        row = await self._fetch_one(
            """
            SELECT
              (SELECT COUNT(*) FROM actions
               WHERE campaign_id = :id AND status != 'cancelled') AS actions,
              (SELECT COUNT(*) FROM rsvps JOIN actions ON actions.id = rsvps.action_id
               WHERE actions.campaign_id = :id AND actions.status != 'cancelled'
                 AND rsvps.answer = 'going') AS going,
              (SELECT COUNT(*) FROM reports JOIN actions ON actions.id = reports.action_id
               WHERE actions.campaign_id = :id AND reports.status != 'draft') AS reports,
              (SELECT COUNT(DISTINCT host_id) FROM actions
               WHERE campaign_id = :id AND status != 'cancelled') AS hosts,
              (SELECT COUNT(*) FROM calls
               WHERE campaign_id = :id AND status = 'published') AS calls
            """,
            params,
        )
        assert row is not None
        return CampaignOverview(
            campaign=campaign,
            places=tuple(PlaceCount(r["country"], r["city"], r["n"], r["city_id"]) for r in places),
            actions=row["actions"],
            going=row["going"],
            reports=row["reports"],
            hosts=row["hosts"],
            calls=row["calls"],
        )

    async def set_call_campaign(self, call_id: int, campaign_id: int | None) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE calls SET campaign_id = :campaign WHERE id = :id",
                {"campaign": campaign_id, "id": call_id},
            )
