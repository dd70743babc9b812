"""The audit log: administrative acts not already audited by the query making them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from turnout.storage.base import StoreBase, write_audit
from turnout.storage.records import AuditEntry
from turnout.storage.rows import audit_from


class AuditQueries(StoreBase):
    async def audit(
        self,
        now: datetime,
        actor_id: int | None,
        action: str,
        target_id: int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Record an administrative act that is not already audited by the method making it."""
        async with self._transaction() as db:
            await write_audit(db, now, actor_id, action, target_id, detail or {})

    async def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest entries first."""
        rows = await self._fetch_all(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT :limit", {"limit": limit}
        )
        return [audit_from(row) for row in rows]
