"""Storage: SQLite through one Store. Imports neither ``telegram`` nor ``config``."""

from turnout.storage.errors import Conflict, MigrationError, NotFound, StorageError
from turnout.storage.models import GRANTABLE_ROLES, AuditEntry, Invite, Member, Role, RoleGrant
from turnout.storage.store import InviteOutcome, Redemption, Store

__all__ = [
    "GRANTABLE_ROLES",
    "AuditEntry",
    "Conflict",
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
