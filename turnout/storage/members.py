"""Queries about members: registering them, and what they chose."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from turnout.storage.base import StoreBase, join_minutes, to_db_time
from turnout.storage.models import Member, Recipient
from turnout.storage.rows import member_from

#: What ``_set_member`` may change.
_CHOICES = frozenset(
    {"subscribed", "reminder_minutes", "timezone", "language", "show_name", "reachable"}
)


class MemberQueries(StoreBase):
    async def register_member(
        self, user_id: int, first_name: str, language: str, timezone: str, now: datetime
    ) -> tuple[Member, bool]:
        """Add a member, or refresh a returning one's name; return the member and if they are new.

        A returning member keeps the language and timezone they chose; opening the bot again
        also means they can be reached again.
        """
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                INSERT INTO members (user_id, first_name, language, timezone, created_at,
                                     updated_at)
                VALUES (:user_id, :first_name, :language, :timezone, :now, :now)
                ON CONFLICT (user_id) DO NOTHING
                """,
                {
                    "user_id": user_id,
                    "first_name": first_name,
                    "language": language,
                    "timezone": timezone,
                    "now": to_db_time(now),
                },
            )
            created = cursor.rowcount == 1
            if not created:
                await db.execute(
                    """
                    UPDATE members
                    SET first_name = :first_name, reachable = 1, updated_at = :now
                    WHERE user_id = :user_id
                    """,
                    {"user_id": user_id, "first_name": first_name, "now": to_db_time(now)},
                )
            async with db.execute(
                "SELECT * FROM members WHERE user_id = :user_id", {"user_id": user_id}
            ) as rows:
                row = await rows.fetchone()
        assert row is not None  # written just above, in the same transaction
        member = member_from(row)
        self._members[user_id] = member
        return member, created

    async def member(self, user_id: int) -> Member | None:
        cached: Member | None = self._members.get(user_id)
        if cached is not None:
            return cached
        row = await self._fetch_one(
            "SELECT * FROM members WHERE user_id = :user_id", {"user_id": user_id}
        )
        if row is None:
            return None
        member = member_from(row)
        self._members[user_id] = member
        return member

    async def subscribers(self) -> list[Recipient]:
        """Members who asked for new calls and can be reached."""
        rows = await self._fetch_all(
            """
            SELECT user_id, language, timezone FROM members
            WHERE subscribed = 1 AND reachable = 1
            ORDER BY user_id
            """,
            {},
        )
        return [Recipient(row["user_id"], row["language"], row["timezone"]) for row in rows]

    async def set_subscribed(self, user_id: int, subscribed: bool, now: datetime) -> bool:
        """Turn delivery of new calls on or off; False if there is no such member."""
        return await self._set_member(user_id, "subscribed", int(subscribed), now)

    async def set_reminder_minutes(
        self, user_id: int, minutes: tuple[int, ...] | None, now: datetime
    ) -> bool:
        """Which reminders the member wants: None every one, () none."""
        return await self._set_member(user_id, "reminder_minutes", join_minutes(minutes), now)

    async def set_timezone(self, user_id: int, timezone: str, now: datetime) -> bool:
        return await self._set_member(user_id, "timezone", timezone, now)

    async def set_language(self, user_id: int, language: str, now: datetime) -> bool:
        return await self._set_member(user_id, "language", language, now)

    async def set_show_name(self, user_id: int, show: bool, now: datetime) -> bool:
        """Whether organisers see the member's first name next to their pseudonym."""
        return await self._set_member(user_id, "show_name", int(show), now)

    async def languages_of(self, user_ids: Sequence[int]) -> dict[int, str]:
        """The language of each of ``user_ids`` that is a member (for messages many get)."""
        rows = await self._fetch_all(
            """
            SELECT user_id, language FROM members
            WHERE user_id IN (SELECT value FROM json_each(:ids))
            """,
            {"ids": json.dumps(sorted(set(user_ids)))},
        )
        return {row["user_id"]: row["language"] for row in rows}

    async def names_shown(self, user_ids: Sequence[int]) -> dict[int, str]:
        """First names of those of ``user_ids`` who let organisers see them."""
        rows = await self._fetch_all(
            """
            SELECT user_id, first_name FROM members
            WHERE show_name = 1 AND user_id IN (SELECT value FROM json_each(:ids))
            """,
            {"ids": json.dumps(sorted(set(user_ids)))},
        )
        return {row["user_id"]: row["first_name"] for row in rows}

    async def set_reachable(self, user_id: int, reachable: bool, now: datetime) -> bool:
        """Record that the member blocked the bot (or came back); False if unknown."""
        return await self._set_member(user_id, "reachable", int(reachable), now)

    async def _set_member(self, user_id: int, column: str, value: object, now: datetime) -> bool:
        """One choice of a member; the copy kept in memory is forgotten."""
        if column not in _CHOICES:
            raise ValueError(f"not a member's choice: {column}")
        # The column name comes from the fixed set above, never from input.
        changed = await self._execute(
            f"UPDATE members SET {column} = :value, updated_at = :now "  # noqa: S608
            "WHERE user_id = :user_id",
            {"user_id": user_id, "value": value, "now": to_db_time(now)},
        )
        self._members.pop(user_id, None)
        return changed == 1
