"""Frozen dataclasses for the store's bookkeeping: the outbox, prompts, the audit log, counts
and what deletions removed. The people, actions, reports and calls themselves are in ``models``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from turnout.storage.models import Answer, ReportStatus


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
    priority: int = 0


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


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts for ``/stats``; answers and statuses nobody has are missing (zero)."""

    rsvps: dict[Answer, int]
    reports: dict[ReportStatus, int]
    members: int
    subscribers: int
    reachable: int


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True, slots=True)
class DigestNumbers:
    """The daily digest's counts: since the last digest, and reports still waiting."""

    new_reports: int
    pending: int
    reviewed: int
    rsvps: int
    new_members: int


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What ``/forgetme`` deleted, and who moved up from a waitlist (action id, user ids)."""

    roles: int
    answers: int
    reports: int
    media: int
    messages: int
    promoted: tuple[tuple[int, tuple[int, ...]], ...]


@dataclass(frozen=True, slots=True)
class Purged:
    """What a retention purge deleted."""

    reports: int
    media: int
    answers: int


@dataclass(frozen=True, slots=True)
class SentCopy:
    """One message sent for a purpose: where, and the ids Telegram gave it (all of an album)."""

    chat_id: int
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CallDeleted:
    """What deleting a published call did: ``deleted`` with the chats whose copies are to be
    deleted; ``sending`` (nothing done: copies are on their way this instant, and could not
    be deleted before they arrive); ``gone`` (not a published call)."""

    outcome: Literal["deleted", "sending", "gone"]
    chats: int = 0


@dataclass(frozen=True, slots=True)
class Prompt:
    """A question the bot asked one person and waits for an answer to, in one flow.

    ``id`` is never reused, so a button of an earlier question (it carries the id) cannot answer
    a later one. ``data`` is the flow's draft as JSON; ``message_id`` the question with buttons,
    whose keyboard goes when the prompt ends."""

    id: int
    user_id: int
    chat_id: int
    flow: str
    step: str
    data: str
    message_id: int | None
    opened_at: datetime
    expires_at: datetime
