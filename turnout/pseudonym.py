"""The stable pseudonym organisers see instead of a member's identity (README, "What the bot
stores")."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(key: bytes, user_id: int) -> str:
    """ "Member 7F3A9C": a keyed hash of the user id, the same every time for one installation,
    and not reversible without the key (a plain hash of an id could be looked up)."""
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"Member {digest[:6].upper()}"


def shown_as(key: bytes, user_id: int, name: str | None) -> str:
    """How organisers see a member: the pseudonym, and the first name only if the member chose
    "Show my name to organisers" (``name`` is None otherwise)."""
    who = pseudonym(key, user_id)
    return f"{who} ({name})" if name else who
