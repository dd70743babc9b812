"""The Store: the only place with SQL. One connection, one writer, one method per query.

Every method maps rows to the frozen dataclasses of ``models`` before returning. A change that
touches several rows (a grant and its audit entry, say) is one transaction.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import aiosqlite

from turnout.storage.errors import Conflict, StorageError
from turnout.storage.migrations import apply_migrations, load_migrations
from turnout.storage.models import AuditEntry, Invite, Member, Role, RoleGrant

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BUSY_TIMEOUT_MS = 5000


def to_db_time(moment: datetime) -> str:
    """Times are stored as UTC text in SQLite's own format, so they sort and compare in SQL."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; give a timezone")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def from_db_time(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


def _optional_time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


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


class Store:
    """Async access to Turnout's SQLite database. Open with ``await Store.open(path)``."""

    def __init__(self, path: Path, db: aiosqlite.Connection) -> None:
        self.path = path
        self._db = db
        # One connection is shared by every handler and task; the lock keeps one coroutine's
        # transaction from swallowing another's statements.
        self._lock = asyncio.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path, *, migrations: Traversable | Path | None = None) -> Store:
        """Create the folder and file if needed, configure SQLite and apply every migration."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(f"cannot create the folder {path.parent}: {error}") from error
        steps = load_migrations(migrations)
        try:
            db = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise StorageError(f"cannot open the database {path}: {error}") from error
        try:
            db.row_factory = sqlite3.Row
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await apply_migrations(db, steps)
        except sqlite3.Error as error:
            await db.close()
            raise StorageError(f"cannot use the database {path}: {error}") from error
        except StorageError:
            await db.close()
            raise
        return cls(path, db)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    # -- plumbing --------------------------------------------------------------------------

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one write transaction; any error rolls all of it back."""
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
            except sqlite3.IntegrityError as error:
                raise Conflict(str(error)) from error
            except sqlite3.Error as error:
                raise StorageError(str(error)) from error

    async def _fetch_all(self, sql: str, params: Mapping[str, Any]) -> list[sqlite3.Row]:
        async with self._lock:
            try:
                async with self._db.execute(sql, params) as cursor:
                    return list(await cursor.fetchall())
            except sqlite3.Error as error:
                raise StorageError(str(error)) from error

    async def _fetch_one(self, sql: str, params: Mapping[str, Any]) -> sqlite3.Row | None:
        rows = await self._fetch_all(sql, params)
        return rows[0] if rows else None

    async def schema_version(self) -> int:
        row = await self._fetch_one("PRAGMA user_version", {})
        return int(row[0]) if row else 0

    # -- members ---------------------------------------------------------------------------

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
        return _member(row), created

    async def member(self, user_id: int) -> Member | None:
        row = await self._fetch_one(
            "SELECT * FROM members WHERE user_id = :user_id", {"user_id": user_id}
        )
        return None if row is None else _member(row)

    async def set_subscribed(self, user_id: int, subscribed: bool, now: datetime) -> bool:
        """Turn delivery of new calls on or off; False if there is no such member."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE members SET subscribed = :subscribed, updated_at = :now
                WHERE user_id = :user_id
                """,
                {"user_id": user_id, "subscribed": int(subscribed), "now": to_db_time(now)},
            )
        return cursor.rowcount == 1

    async def set_reachable(self, user_id: int, reachable: bool, now: datetime) -> bool:
        """Record that the member blocked the bot (or came back); False if unknown."""
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE members SET reachable = :reachable, updated_at = :now
                WHERE user_id = :user_id
                """,
                {"user_id": user_id, "reachable": int(reachable), "now": to_db_time(now)},
            )
        return cursor.rowcount == 1

    # -- roles -----------------------------------------------------------------------------

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
            cursor = await db.execute(
                """
                INSERT INTO roles (user_id, role, granted_by, granted_at)
                VALUES (:user_id, :role, :actor_id, :now)
                ON CONFLICT (user_id, role) DO NOTHING
                """,
                {"user_id": user_id, "role": role, "actor_id": actor_id, "now": to_db_time(now)},
            )
            if cursor.rowcount == 0:
                return False
            await _audit(db, now, actor_id, "role:grant", user_id, {"role": role})
        return True

    async def revoke_role(self, user_id: int, role: Role, actor_id: int, now: datetime) -> bool:
        """Take a role away and audit it; False (and nothing written) if it was not held."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "DELETE FROM roles WHERE user_id = :user_id AND role = :role",
                {"user_id": user_id, "role": role},
            )
            if cursor.rowcount == 0:
                return False
            await _audit(db, now, actor_id, "role:revoke", user_id, {"role": role})
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
            await _audit(
                db, now, created_by, "invite:create", None,
                {"role": role, "expires_at": to_db_time(expires_at)},
            )  # fmt: skip
        return Invite(token, role, created_by, _second(now), _second(expires_at), None, None)

    async def invite(self, token: str) -> Invite | None:
        row = await self._fetch_one("SELECT * FROM invites WHERE token = :token", {"token": token})
        return None if row is None else _invite(row)

    async def redeem_invite(self, token: str, user_id: int, now: datetime) -> Redemption:
        """Use an invite once: the first opener before expiry gets the role, atomically."""
        async with self._transaction() as db:
            async with db.execute(
                "SELECT * FROM invites WHERE token = :token", {"token": token}
            ) as rows:
                row = await rows.fetchone()
            if row is None:
                return Redemption(InviteOutcome.UNKNOWN)
            invite = _invite(row)
            if invite.used_by is not None:
                return Redemption(InviteOutcome.USED, invite.role)
            if invite.expires_at <= now:
                return Redemption(InviteOutcome.EXPIRED, invite.role)
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
            await _audit(
                db, now, user_id, "invite:redeem", user_id,
                {"role": invite.role, "invited_by": invite.created_by},
            )  # fmt: skip
        if cursor.rowcount == 0:
            return Redemption(InviteOutcome.ALREADY_HELD, invite.role)
        return Redemption(InviteOutcome.GRANTED, invite.role)

    # -- audit log -------------------------------------------------------------------------

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
            await _audit(db, now, actor_id, action, target_id, detail or {})

    async def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest entries first."""
        rows = await self._fetch_all(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT :limit", {"limit": limit}
        )
        return [
            AuditEntry(
                id=row["id"],
                at=from_db_time(row["at"]),
                actor_id=row["actor_id"],
                action=row["action"],
                target_id=row["target_id"],
                detail=row["detail"],
            )
            for row in rows
        ]


async def _audit(
    db: aiosqlite.Connection,
    now: datetime,
    actor_id: int | None,
    action: str,
    target_id: int | None,
    detail: Mapping[str, Any],
) -> None:
    await db.execute(
        """
        INSERT INTO audit_log (at, actor_id, action, target_id, detail)
        VALUES (:at, :actor_id, :action, :target_id, :detail)
        """,
        {
            "at": to_db_time(now),
            "actor_id": actor_id,
            "action": action,
            "target_id": target_id,
            "detail": json.dumps(dict(detail), sort_keys=True, default=str),
        },
    )


def _second(moment: datetime) -> datetime:
    """The precision the database keeps, so a returned model equals the one read back later."""
    return moment.astimezone(UTC).replace(microsecond=0)


def _member(row: sqlite3.Row) -> Member:
    return Member(
        user_id=row["user_id"],
        first_name=row["first_name"],
        language=row["language"],
        timezone=row["timezone"],
        subscribed=bool(row["subscribed"]),
        reachable=bool(row["reachable"]),
        created_at=from_db_time(row["created_at"]),
    )


def _invite(row: sqlite3.Row) -> Invite:
    return Invite(
        token=row["token"],
        role=Role(row["role"]),
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
        used_by=row["used_by"],
        used_at=_optional_time(row["used_at"]),
    )
