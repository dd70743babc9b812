"""Frozen dataclasses for the store's bookkeeping: the outbox, prompts, the audit log, counts
and what deletions removed. The people, actions, reports and calls themselves are in ``models``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from turnout.storage.models import Answer, Attendance, ReportStatus, SafetyCounts
from turnout.storage.purposes import Purpose


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
    expires_at: datetime | None = None
    may_pay: bool = False
    """The sender agreed to pay: the row may go above the free rate (``allow_paid_broadcast``)."""
    paid: int = 0
    """How many messages it went out as, paid (0: free)."""


@dataclass(frozen=True, slots=True)
class Sent:
    """Telegram took the row's message: the ids it made (the first, and all of an album)."""

    id: int
    message_ids: tuple[int, ...]
    paid: int = 0
    """How many messages went paid (``allow_paid_broadcast``): an album's each count."""
    follow_up: FollowUp | None = None
    """A row to queue in the same transaction: the pin of an alert just sent."""


@dataclass(frozen=True, slots=True)
class FollowUp:
    purpose: Purpose
    chat_id: int
    payload: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Retry:
    """Back to the queue, due at ``due_at``; ``count_attempt=False`` when the row was never
    really tried (Telegram asked to wait, or the chat was in its cool-down)."""

    id: int
    due_at: datetime
    error: str | None
    count_attempt: bool = True
    free: bool = False
    """From now on at the free rate only: a paid copy was refused."""


@dataclass(frozen=True, slots=True)
class Failed:
    id: int
    error: str


@dataclass(frozen=True, slots=True)
class Unreachable:
    """The chat refused the bot (blocked, kicked): the row fails and the member is marked."""

    id: int
    chat_id: int
    error: str


#: What became of one claimed row, written with others in one transaction.
Outcome = Sent | Retry | Failed | Unreachable


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """How far the deliveries of one purpose have got."""

    purpose: str
    pending: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    paid: int = 0
    """Messages of ``sent`` rows that went out paid (``allow_paid_broadcast``): what they cost
    is ``stars_for(paid)``."""

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


class Attendees(StrEnum):
    """Whom reports are counted per: those who checked in, else (nobody did) those going;
    ``MIXED`` for several actions, some counted one way and some the other."""

    HERE = "here"
    GOING = "going"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class DayNumbers:
    """The day of an action in counts (README, "Action day"), or of several added up: never
    who checked in, nor who needed help.

    ``reports`` are the reports submitted about the action(s); those of actions with someone
    to count them per (``counted_reports``) are divided by ``attendees``: those here, or
    those going where nobody checked in (``per`` says which)."""

    attendance: Attendance
    safety: SafetyCounts | None
    """The safety check's answers; None when nobody was asked "Are you safe?"."""
    reports: int
    counted_reports: int
    attendees: int
    per: Attendees | None
    """None: nobody going and nobody here, so no reports per attendee."""
    actions: int = 1
    safety_checks: int = 0
    """Of ``actions``, how many asked "Are you safe?"."""

    @classmethod
    def of(cls, attendance: Attendance, safety: SafetyCounts | None, reports: int) -> DayNumbers:
        """One action's numbers; ``safety`` only once a safety check was asked."""
        per = Attendees.HERE if attendance.here else Attendees.GOING if attendance.going else None
        attendees = attendance.here or attendance.going
        return cls(
            attendance,
            safety,
            reports,
            counted_reports=reports if attendees else 0,
            attendees=attendees,
            per=per,
            safety_checks=int(safety is not None),
        )

    @classmethod
    def added(cls, numbers: Iterable[DayNumbers]) -> DayNumbers:
        """Several actions' numbers added up; reports per attendee over the actions that had
        attendees, each counted its own way (``per`` is ``MIXED`` when they differ)."""
        every = list(numbers)
        checked = [one.safety for one in every if one.safety is not None]
        ways = {one.per for one in every if one.per is not None}
        return cls(
            Attendance(
                going=sum(one.attendance.going for one in every),
                here=sum(one.attendance.here for one in every),
                confirmed=sum(one.attendance.confirmed for one in every),
            ),
            SafetyCounts(
                safe=sum(answers.safe for answers in checked),
                help=sum(answers.help for answers in checked),
                no_answer=sum(answers.no_answer for answers in checked),
            )
            if checked
            else None,
            reports=sum(one.reports for one in every),
            counted_reports=sum(one.counted_reports for one in every),
            attendees=sum(one.attendees for one in every),
            per=(ways.pop() if len(ways) == 1 else Attendees.MIXED) if ways else None,
            actions=sum(one.actions for one in every),
            safety_checks=sum(one.safety_checks for one in every),
        )

    @property
    def reports_per_attendee(self) -> float | None:
        return self.counted_reports / self.attendees if self.attendees else None


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
