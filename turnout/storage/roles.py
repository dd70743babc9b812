"""Queries about roles and invites, each change audited in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from turnout.storage.base import (
    StoreBase,
    from_db_time,
    rows_changed,
    second_precision,
    to_db_time,
    write_audit,
)
from turnout.storage.models import Invite, Role, RoleGrant
from turnout.storage.rows import invite_from


class InviteOutcome(StrEnum):
    """What happened when someone opened an invite link."""

    GRANTED = "granted"
    ALREADY_HELD = "already_held"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Redemption:
    outcome: InviteOutcome
    role: Role | None = None


class RoleQueries(StoreBase):
    async def roles_of(self, user_id: int) -> frozenset[Role]:
        """The roles stored for a user (owners come from the settings, not from here)."""
        rows = await self._fetch_all(
            "SELECT role FROM roles WHERE user_id = :user_id", {"user_id": user_id}
        )
        return frozenset(Role(row["role"]) for row in rows)

    async def role_holders(self) -> list[RoleGrant]:
        rows = await self._fetch_all(
            """
            SELECT roles.user_id, members.first_name, roles.role, roles.granted_by,
                   roles.granted_at
            FROM roles JOIN members USING (user_id)
            ORDER BY roles.role, members.first_name COLLATE NOCASE, roles.user_id
            """,
            {},
        )
        return [
            RoleGrant(
                user_id=row["user_id"],
                first_name=row["first_name"],
                role=Role(row["role"]),
                granted_by=row["granted_by"],
                granted_at=from_db_time(row["granted_at"]),
            )
            for row in rows
        ]

    async def grant_role(self, user_id: int, role: Role, actor_id: int, now: datetime) -> bool:
        """Grant a role and audit it; False (and nothing written) if the user already has it."""
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                """
                INSERT INTO roles (user_id, role, granted_by, granted_at)
                VALUES (:user_id, :role, :actor_id, :now)
                ON CONFLICT (user_id, role) DO NOTHING
                """,
                {"user_id": user_id, "role": role, "actor_id": actor_id, "now": to_db_time(now)},
            ):
                return False
            await write_audit(db, now, actor_id, "role:grant", user_id, {"role": role})
        return True

    async def revoke_role(self, user_id: int, role: Role, actor_id: int, now: datetime) -> bool:
        """Take a role away and audit it; False (and nothing written) if it was not held."""
        async with self._transaction() as db:
            if not await rows_changed(
                db,
                "DELETE FROM roles WHERE user_id = :user_id AND role = :role",
                {"user_id": user_id, "role": role},
            ):
                return False
            await write_audit(db, now, actor_id, "role:revoke", user_id, {"role": role})
        return True

    async def privileged_user_ids(self) -> list[int]:
        """Everyone holding a stored role, for refreshing their command menus."""
        rows = await self._fetch_all("SELECT DISTINCT user_id FROM roles ORDER BY user_id", {})
        return [row["user_id"] for row in rows]

    # -- invites ---------------------------------------------------------------------------

    async def create_invite(
        self, token: str, role: Role, created_by: int, now: datetime, expires_at: datetime
    ) -> Invite:
        async with self._transaction() as db:
            await db.execute(
                """
                INSERT INTO invites (token, role, created_by, created_at, expires_at)
                VALUES (:token, :role, :created_by, :now, :expires_at)
                """,
                {
                    "token": token,
                    "role": role,
                    "created_by": created_by,
                    "now": to_db_time(now),
                    "expires_at": to_db_time(expires_at),
                },
            )
            await write_audit(
                db, now, created_by, "invite:create", None,
                {"role": role, "expires_at": to_db_time(expires_at)},
            )  # fmt: skip
        return Invite(
            token, role, created_by, second_precision(now), second_precision(expires_at), None, None
        )

    async def invite(self, token: str) -> Invite | None:
        row = await self._fetch_one("SELECT * FROM invites WHERE token = :token", {"token": token})
        return None if row is None else invite_from(row)

    async def redeem_invite(self, token: str, user_id: int, now: datetime) -> Redemption:
        """Use an invite once: the first opener before expiry gets the role, atomically."""
        async with self._transaction() as db:
            async with db.execute(
                "SELECT * FROM invites WHERE token = :token", {"token": token}
            ) as rows:
                row = await rows.fetchone()
            if row is None:
                return Redemption(InviteOutcome.UNKNOWN)
            invite = invite_from(row)
            if invite.used_by is not None:
                return Redemption(InviteOutcome.USED, invite.role)
            if invite.expires_at <= now:
                return Redemption(InviteOutcome.EXPIRED, invite.role)
            async with db.execute(
                "SELECT 1 FROM roles WHERE user_id = :user_id AND role = :role",
                {"user_id": user_id, "role": invite.role},
            ) as held:
                if await held.fetchone() is not None:
                    # Left unused for the person it was meant for.
                    return Redemption(InviteOutcome.ALREADY_HELD, invite.role)
            await db.execute(
                """
                UPDATE invites SET used_by = :user_id, used_at = :now
                WHERE token = :token AND used_by IS NULL
                """,
                {"token": token, "user_id": user_id, "now": to_db_time(now)},
            )
            cursor = await db.execute(
                """
                INSERT INTO roles (user_id, role, granted_by, granted_at)
                VALUES (:user_id, :role, :granted_by, :now)
                ON CONFLICT (user_id, role) DO NOTHING
                """,
                {
                    "user_id": user_id,
                    "role": invite.role,
                    "granted_by": invite.created_by,
                    "now": to_db_time(now),
                },
            )
            await write_audit(
                db, now, user_id, "invite:redeem", user_id,
                {"role": invite.role, "invited_by": invite.created_by},
            )  # fmt: skip
        if cursor.rowcount == 0:
            return Redemption(InviteOutcome.ALREADY_HELD, invite.role)
        return Redemption(InviteOutcome.GRANTED, invite.role)


async def insert_host_role(
    db: aiosqlite.Connection, user_id: int, granted_by: int, now: datetime
) -> None:
    """Within a transaction: ``user_id`` hosts an action now (kept if they hosted before). A
    new host is audited as a grant: a host may alert everyone going to their action, so the
    owners hear of it as of any role given."""
    cursor = await db.execute(
        """
        INSERT INTO roles (user_id, role, granted_by, granted_at)
        VALUES (:user_id, 'host', :by, :now)
        ON CONFLICT (user_id, role) DO NOTHING
        """,
        {"user_id": user_id, "by": granted_by, "now": to_db_time(now)},
    )
    if cursor.rowcount > 0:
        await write_audit(db, now, granted_by, "role:grant", user_id, {"role": "host"})
