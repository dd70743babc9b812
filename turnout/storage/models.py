"""Frozen dataclasses for what the store returns. Times are timezone-aware and in UTC."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar, cast

T = TypeVar("T")

#: How long an action lasts when nobody said (README, "Action day").
DEFAULT_DURATION = timedelta(hours=2)


def carried(kind: type[T], source: object, **given: Any) -> T:
    """A ``kind`` (a dataclass) made of ``given``, and for its other fields the attributes of
    ``source`` of the same name: a proposal as the action it becomes, a draft as its preview."""
    names = [field.name for field in fields(cast(Any, kind)) if field.name not in given]
    found = {name: getattr(source, name) for name in names if hasattr(source, name)}
    return cast(Callable[..., T], kind)(**found, **given)


class Role(StrEnum):
    """What a user may do beyond being a member (README, "Roles")."""

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
    #: Minutes-before of the reminders wanted; None means every one, () none.
    reminder_minutes: tuple[int, ...] | None = None
    #: Organisers see the first name next to the pseudonym (off unless the member chose it).
    show_name: bool = False


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


class ActionStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    ENDED = "ended"


class Answer(StrEnum):
    """A member's RSVP. ``WAITLISTED`` is what "going" becomes when the action is full."""

    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"
    WAITLISTED = "waitlisted"


@dataclass(frozen=True, slots=True)
class Action:
    """A demonstration, picket or meeting. ``starts_at`` is UTC; ``timezone`` is where it is."""

    id: int
    title: str
    description: str
    starts_at: datetime
    timezone: str
    place: str
    latitude: float | None
    longitude: float | None
    capacity: int | None
    reminder_minutes: tuple[int, ...]
    status: ActionStatus
    revision: int
    created_by: int
    city_id: int | None = None
    city: str = ""
    country: str = ""
    """ISO 3166 code, with ``city`` from the gazetteer; empty when only a place name is known."""
    host_id: int | None = None
    """The member whose proposal it was (README, "Local actions")."""
    campaign_id: int | None = None
    ends_at: datetime | None = None
    """When it ends; read ``end``, which falls back to the default duration."""
    safety_round: int = 0
    """0: nobody asked "Are you safe?" yet; 1: asked; 2: those without an answer asked again."""
    photos_asked: bool = False
    """The thank-you asking for photos was handed to the outbox."""

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def end(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_DURATION


@dataclass(frozen=True, slots=True)
class NewAction:
    """What an organiser fills in; the store adds id, status and revision."""

    title: str
    description: str
    starts_at: datetime
    timezone: str
    place: str
    latitude: float | None
    longitude: float | None
    capacity: int | None
    reminder_minutes: tuple[int, ...]
    city_id: int | None = None
    city: str = ""
    country: str = ""
    host_id: int | None = None
    campaign_id: int | None = None
    ends_at: datetime | None = None
    """None: ``starts_at`` plus the default duration."""

    @property
    def end(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_DURATION


@dataclass(frozen=True, slots=True)
class RsvpCounts:
    going: int = 0
    maybe: int = 0
    not_going: int = 0
    waitlisted: int = 0


@dataclass(frozen=True, slots=True)
class RsvpRecord:
    """One member's answer about one action, as exported."""

    action_id: int
    user_id: int
    answer: Answer
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class RsvpChange:
    """The outcome of answering: what the member got, and who moved up from the waitlist."""

    answer: Answer
    promoted: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DueReminder:
    action: Action
    revision: int
    offset_minutes: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets a message, and how they read it."""

    user_id: int
    language: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel or group linked for posting calls."""

    chat_id: int
    title: str
    username: str | None
    kind: str
    linked_by: int
    linked_at: datetime
    can_post: bool


class CallStatus(StrEnum):
    DRAFT = "draft"
    AWAITING = "awaiting"
    """Waits for a second person's approval (the two-person rule), to go now or at its time."""
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Call:
    """A call to action or statement. ``entities`` and ``media`` are JSON lists, as Telegram
    gave them (formatting kept exactly); ``targets`` are chat ids of linked channels."""

    id: int
    author: int
    text: str
    entities: str
    media: str
    action_id: int | None
    targets: tuple[int, ...]
    to_subscribers: bool
    status: CallStatus
    publish_at: datetime | None
    created_at: datetime
    campaign_id: int | None = None
    """Its channel post then leads to "find an action near you" and "propose one"."""
    paid: bool = False
    """Its sender chose to pay for the copies above the free rate (a paid broadcast)."""


@dataclass(frozen=True, slots=True)
class NewCall:
    """What a broadcaster composes; the store adds id, author, status and times."""

    text: str
    entities: str
    media: str
    action_id: int | None
    targets: tuple[int, ...]
    to_subscribers: bool
    campaign_id: int | None = None
    paid: bool = False


class ReportStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class ReportMedia:
    """One photo, video, document, voice note or animation, by Telegram's file id."""

    kind: str
    file_id: str
    file_unique_id: str
    size: int | None
    mime: str | None
    width: int | None
    height: int | None
    duration: int | None
    caption: str | None
    media_group_id: str | None
    message_id: int


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    user_id: int
    action_id: int | None
    action_chosen: bool
    text: str
    latitude: float | None
    longitude: float | None
    status: ReportStatus
    review_note: str | None
    media: tuple[ReportMedia, ...]
    submitted_at: datetime | None
    reviewer: int | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What came of an organiser's decision: ``decided`` False when someone else decided
    first, and then ``report`` shows their decision."""

    decided: bool
    report: Report | None


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A member's plan for a local action, waiting for an organiser (or already decided)."""

    id: int
    proposer_id: int
    title: str
    description: str
    starts_at: datetime
    timezone: str
    place: str
    city_id: int | None
    city: str
    country: str
    latitude: float | None
    longitude: float | None
    expected: int | None
    campaign_id: int | None
    status: ProposalStatus
    reason: str | None
    action_id: int | None
    ends_at: datetime | None = None

    @property
    def end(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_DURATION


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """Upcoming actions in one country (``city`` empty) or one city."""

    country: str
    city: str
    count: int
    city_id: int | None = None


@dataclass(frozen=True, slots=True)
class CampaignOverview:
    campaign: Campaign
    places: tuple[PlaceCount, ...]
    """Actions per city, all of them (past ones included)."""
    actions: int
    going: int
    reports: int
    hosts: int
    calls: int


# -- the day of the action (README, "Action day") -------------------------------------------


class Audience(StrEnum):
    """Who an urgent alert goes to."""

    GOING = "going"
    HERE = "here"


class Safety(StrEnum):
    """An answer to "Are you safe?"."""

    SAFE = "safe"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class Attendance:
    """Who is going to an action and who checked in (``confirmed``: by a location nearby)."""

    going: int = 0
    here: int = 0
    confirmed: int = 0


@dataclass(frozen=True, slots=True)
class SafetyCounts:
    """Answers to the safety check, counted: never who gave them."""

    safe: int = 0
    help: int = 0
    no_answer: int = 0


@dataclass(frozen=True, slots=True)
class Checkin:
    """One member's check-in at one action, and their answer to the safety check."""

    action_id: int
    user_id: int
    checked_in_at: datetime
    confirmed: bool
    safety: Safety | None
    safety_at: datetime | None


@dataclass(frozen=True, slots=True)
class Alert:
    """An urgent alert as its sender wrote it."""

    id: int
    action_id: int
    sent_by: int
    audience: Audience
    text: str
    created_at: datetime
    paid: bool = False
    """Its sender chose to pay for the copies above the free rate."""
