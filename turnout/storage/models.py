"""Frozen dataclasses for what the store returns. Times are timezone-aware and in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What a user may do beyond being a member (DESIGN.md §1)."""

    ORGANISER = "organiser"
    BROADCASTER = "broadcaster"
    HOST = "host"
    OWNER = "owner"


# Owners come from the settings and hosts from approved proposals; these two are handed out.
GRANTABLE_ROLES = (Role.ORGANISER, Role.BROADCASTER)


@dataclass(frozen=True, slots=True)
class Member:
    """A person who opened the bot in a private chat."""

    user_id: int
    first_name: str
    language: str
    timezone: str
    subscribed: bool
    reachable: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One role held by one member, and who granted it."""

    user_id: int
    first_name: str
    role: Role
    granted_by: int | None
    granted_at: datetime


@dataclass(frozen=True, slots=True)
class Invite:
    """A one-time link that grants ``role`` to whoever opens it first, before ``expires_at``."""

    token: str
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One administrative act: who did what to whom, and when."""

    id: int
    at: datetime
    actor_id: int | None
    action: str
    target_id: int | None
    detail: str


class DeliveryStatus(StrEnum):
    """Where one outbox row is: waiting, being sent, or done one way or another."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to one chat for one purpose. ``payload`` is opaque JSON to the store."""

    id: int
    purpose: str
    chat_id: int
    payload: str
    due_at: datetime
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    message_id: int | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """How far the deliveries of one purpose have got."""

    purpose: str
    pending: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.claimed + self.sent + self.failed + self.skipped

    @property
    def remaining(self) -> int:
        return self.pending + self.claimed

    @property
    def done(self) -> bool:
        return self.remaining == 0
