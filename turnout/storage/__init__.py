"""Storage: SQLite through one Store. Imports neither ``telegram`` nor ``config``."""

from turnout.storage.actions import notice_purpose, reminder_purpose
from turnout.storage.errors import Conflict, MigrationError, NotFound, StorageError
from turnout.storage.models import (
    GRANTABLE_ROLES,
    Action,
    ActionStatus,
    Answer,
    AuditEntry,
    Channel,
    Delivery,
    DeliveryCounts,
    DeliveryStatus,
    DueReminder,
    Invite,
    Member,
    NewAction,
    Recipient,
    Role,
    RoleGrant,
    RsvpChange,
    RsvpCounts,
)
from turnout.storage.roles import InviteOutcome, Redemption
from turnout.storage.store import Store

__all__ = [
    "GRANTABLE_ROLES",
    "Action",
    "ActionStatus",
    "Answer",
    "AuditEntry",
    "Channel",
    "Conflict",
    "Delivery",
    "DeliveryCounts",
    "DeliveryStatus",
    "DueReminder",
    "Invite",
    "InviteOutcome",
    "Member",
    "MigrationError",
    "NewAction",
    "NotFound",
    "Recipient",
    "Redemption",
    "Role",
    "RoleGrant",
    "RsvpChange",
    "RsvpCounts",
    "StorageError",
    "Store",
    "notice_purpose",
    "reminder_purpose",
]
