"""Queries about prompts: the one question each person may have open, with its flow's draft.

Every update a person sends asks for their prompt, so it is kept in memory as well; this process
is the only writer, and every query that changes a prompt updates that copy.
"""

from __future__ import annotations

from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.purposes import PromptLapse
from turnout.storage.records import Prompt
from turnout.storage.rows import prompt_from


class PromptQueries(StoreBase):
    async def open_prompt(
        self,
        user_id: int,
        chat_id: int,
        flow: str,
        step: str,
        data: str,
        now: datetime,
        expires_at: datetime,
    ) -> tuple[Prompt, Prompt | None]:
        """Open a prompt for ``user_id``; return it and the one it replaced (closed by it)."""
        async with self._transaction() as db:
            async with db.execute(
                "SELECT * FROM prompts WHERE user_id = :user_id", {"user_id": user_id}
            ) as cursor:
                old = await cursor.fetchone()
            await db.execute("DELETE FROM prompts WHERE user_id = :user_id", {"user_id": user_id})
            cursor = await db.execute(
                """
                INSERT INTO prompts (user_id, chat_id, flow, step, data, opened_at, expires_at)
                VALUES (:user_id, :chat_id, :flow, :step, :data, :now, :expires_at)
                RETURNING *
                """,
                {
                    "user_id": user_id,
                    "chat_id": chat_id,
                    "flow": flow,
                    "step": step,
                    "data": data,
                    "now": to_db_time(now),
                    "expires_at": to_db_time(expires_at),
                },
            )
            row = await cursor.fetchone()
        assert row is not None
        prompt = prompt_from(row)
        self._prompts[user_id] = prompt
        return prompt, None if old is None else prompt_from(old)

    async def prompt_of(self, user_id: int) -> Prompt | None:
        """The person's open prompt, if any (expired or not: the caller compares the time)."""
        if user_id in self._prompts:
            return self._prompts[user_id]
        row = await self._fetch_one(
            "SELECT * FROM prompts WHERE user_id = :user_id", {"user_id": user_id}
        )
        prompt = None if row is None else prompt_from(row)
        self._prompts[user_id] = prompt
        return prompt

    async def update_prompt(
        self,
        prompt_id: int,
        step: str,
        data: str,
        message_id: int | None,
        expires_at: datetime,
    ) -> Prompt | None:
        """Move an open prompt to its next question; None if it was closed meanwhile."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE prompts
                SET step = :step, data = :data, message_id = :message_id,
                    expires_at = :expires_at
                WHERE id = :id
                RETURNING *
                """,
                {
                    "id": prompt_id,
                    "step": step,
                    "data": data,
                    "message_id": message_id,
                    "expires_at": to_db_time(expires_at),
                },
            )
            row = await cursor.fetchone()
        if row is None:
            return None
        prompt = prompt_from(row)
        self._prompts[prompt.user_id] = prompt
        return prompt

    async def close_prompt(self, prompt_id: int) -> Prompt | None:
        """Close a prompt (answered, cancelled, left); return it, or None if already closed."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "DELETE FROM prompts WHERE id = :id RETURNING *", {"id": prompt_id}
            )
            row = await cursor.fetchone()
        if row is None:
            return None
        prompt = prompt_from(row)
        self._prompts[prompt.user_id] = None
        return prompt

    async def expired_prompts(self, now: datetime, limit: int = 100) -> list[Prompt]:
        """Prompts whose time ran out, the oldest first."""
        rows = await self._fetch_all(
            """
            SELECT * FROM prompts WHERE expires_at <= :now
            ORDER BY expires_at, id LIMIT :limit
            """,
            {"now": to_db_time(now), "limit": limit},
        )
        return [prompt_from(row) for row in rows]

    async def lapse_prompt(self, prompt_id: int, payload: str, now: datetime) -> bool:
        """Close an expired prompt and queue the message that says so, in one transaction: the
        person is told exactly once. False if it was answered or closed meanwhile."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "DELETE FROM prompts WHERE id = :id AND expires_at <= :now RETURNING *",
                {"id": prompt_id, "now": to_db_time(now)},
            )
            row = await cursor.fetchone()
            if row is None:
                return False
            prompt = prompt_from(row)
            await insert_deliveries(
                db, PromptLapse(prompt.id), [(prompt.chat_id, payload)], now, now, None
            )
        self._prompts[prompt.user_id] = None
        return True
