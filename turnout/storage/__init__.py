"""Storage: SQLite through one Store. Imports neither ``telegram`` nor ``config``."""

from turnout.storage.errors import Conflict, MigrationError, NotFound, StorageError
from turnout.storage.models import (
    GRANTABLE_ROLES,
    AuditEntry,
    Delivery,
    DeliveryCounts,
    DeliveryStatus,
    Invite,
    Member,
    Role,
    RoleGrant,
)
from turnout.storage.roles import InviteOutcome, Redemption
from turnout.storage.store import Store

__all__ = [
    "GRANTABLE_ROLES",
    "AuditEntry",
    "Conflict",
    "Delivery",
    "DeliveryCounts",
    "DeliveryStatus",
    "Invite",
    "InviteOutcome",
    "Member",
    "MigrationError",
    "NotFound",
    "Redemption",
    "Role",
    "RoleGrant",
    "StorageError",
    "Store",
]
