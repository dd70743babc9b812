"""Queries for finding actions by place: the countries and cities with upcoming actions, the
actions of one of them, and those with coordinates (the distances are worked out by the caller)."""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time
from turnout.storage.models import Action, PlaceCount
from turnout.storage.rows import action_from

_UPCOMING = "status = 'planned' AND starts_at > :now"
#: Buttons in one list: Telegram refuses keyboards of about a hundred.
PLACES_SHOWN = 40


class PlaceQueries(StoreBase):
    async def upcoming_countries(self, now: datetime) -> list[PlaceCount]:
        """Countries with upcoming actions, the most actions first."""
        rows = await self._fetch_all(
            f"""
            SELECT country, COUNT(*) AS n FROM actions
            WHERE {_UPCOMING} AND country != ''
            GROUP BY country ORDER BY n DESC, country LIMIT :limit
            """,  # noqa: S608 - a constant, no user input
            {"now": to_db_time(now), "limit": PLACES_SHOWN},
        )
        return [PlaceCount(row["country"], "", row["n"]) for row in rows]

    async def upcoming_cities(self, now: datetime, country: str) -> list[PlaceCount]:
        """The cities of a country with upcoming actions, the most actions first."""
        rows = await self._fetch_all(
            f"""
            SELECT city_id, city, COUNT(*) AS n FROM actions
            WHERE {_UPCOMING} AND country = :country AND city_id IS NOT NULL
            GROUP BY city_id ORDER BY n DESC, city LIMIT :limit
            """,  # noqa: S608 - a constant, no user input
            {"now": to_db_time(now), "country": country, "limit": PLACES_SHOWN},
        )
        return [PlaceCount(country, row["city"], row["n"], row["city_id"]) for row in rows]

    async def upcoming_actions_in(
        self, now: datetime, country: str, city_id: int | None, limit: int, offset: int = 0
    ) -> list[Action]:
        """Upcoming actions of a country (``city_id`` None) or of one of its cities."""
        rows = await self._fetch_all(
            f"""
            SELECT * FROM actions
            WHERE {_UPCOMING} AND country = :country AND (:city_id IS NULL OR city_id = :city_id)
            ORDER BY starts_at, id LIMIT :limit OFFSET :offset
            """,  # noqa: S608 - a constant, no user input
            {
                "now": to_db_time(now),
                "country": country,
                "city_id": city_id,
                "limit": limit,
                "offset": offset,
            },
        )
        return [action_from(row) for row in rows]

    async def located_upcoming_actions(
        self, now: datetime, campaign_id: int | None = None
    ) -> list[Action]:
        """Every upcoming action with coordinates, or those of one campaign (for "near me")."""
        rows = await self._fetch_all(
            f"""
            SELECT * FROM actions
            WHERE {_UPCOMING} AND latitude IS NOT NULL AND longitude IS NOT NULL
              AND (:campaign_id IS NULL OR campaign_id = :campaign_id)
            ORDER BY starts_at, id
            """,  # noqa: S608 - a constant, no user input
            {"now": to_db_time(now), "campaign_id": campaign_id},
        )
        return [action_from(row) for row in rows]

    async def hosted_action_ids(self, user_id: int) -> frozenset[int]:
        """The actions this member hosts."""
        rows = await self._fetch_all(
            "SELECT id FROM actions WHERE host_id = :user_id", {"user_id": user_id}
        )
        return frozenset(row["id"] for row in rows)
