"""Outbox purposes: what each ``deliveries`` row is for, as typed values.

A purpose is the first half of the outbox's unique key (purpose, chat): enqueuing the same purpose
to the same chat twice sends once. Every purpose is one small class here, so the string it is
stored as is spelled in one place (its ``template``, filled from its fields), and the queries
that pick out a family of rows (every reminder of one action, every copy of one call) ask for it
by a typed ``Family`` rather than a hand-built ``LIKE`` pattern.

The stored strings are those of earlier versions, so rows queued before an upgrade keep their
meaning.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal

CallPart = Literal["text", "media"]
CALL_PARTS: tuple[CallPart, ...] = ("text", "media")


def stamp(moment: datetime) -> str:
    """A moment to the microsecond, for purposes made anew each time (two edits in one second
    by two people must be two batches, not one)."""
    return moment.strftime("%Y%m%d%H%M%S%f")


@dataclass(frozen=True, slots=True)
class Family:
    """Every purpose whose key starts with ``prefix``: one action's reminders, one call's rows."""

    prefix: str

    @property
    def like(self) -> str:
        """The prefix as a ``LIKE`` pattern with ``ESCAPE '\\'``: its own ``%`` and ``_`` are
        taken literally."""
        escaped = self.prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return escaped + "%"


@dataclass(frozen=True, slots=True)
class Purpose:
    """Base of every purpose; ``key`` is what the ``deliveries.purpose`` column holds: the
    class's ``template`` filled with its fields."""

    template: ClassVar[str]
    #: The outbox's lane: a pending row of a higher priority goes before every row of a lower
    #: one, whenever those were queued (an urgent alert jumps a call's copies).
    priority: ClassVar[int] = 0

    @property
    def key(self) -> str:
        values: dict[str, Any] = asdict(self)
        return self.template.format(**values)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class Reminder(Purpose):
    """One reminder of an action: unique per action, time revision and offset, so a reminder
    planned again after a crash, or for a new time, is a row of its own."""

    template: ClassVar[str] = "reminder:{action}:r{revision}:{minutes}m"
    action: int
    revision: int
    minutes: int

    @staticmethod
    def of_action(action: int) -> Family:
        return Family(f"reminder:{action}:")


@dataclass(frozen=True, slots=True)
class ChangeNotice(Purpose):
    """A change of time or place, or a cancellation, told to everyone who answered."""

    template: ClassVar[str] = "notice:{notice}"
    notice: int


@dataclass(frozen=True, slots=True)
class WaitlistPromotion(Purpose):
    """Members told they moved up from the waitlist; one batch per moment seats were freed."""

    template: ClassVar[str] = "promoted:{action}:{at}"
    action: int
    at: str


@dataclass(frozen=True, slots=True)
class ReportDecided(Purpose):
    """A member told what became of their report."""

    template: ClassVar[str] = "review:{report}"
    report: int


@dataclass(frozen=True, slots=True)
class ReviewChatNotice(Purpose):
    """The review chat told of the reports ``first`` to ``last``."""

    template: ClassVar[str] = "review-notice:{first}-{last}"
    first: int
    last: int

    FAMILY: ClassVar[Family] = Family("review-notice:")

    @classmethod
    def read(cls, key: str) -> ReviewChatNotice | None:
        """The notice a stored key names; None for a key of another purpose."""
        if not key.startswith(cls.FAMILY.prefix):
            return None
        first, _, last = key.removeprefix(cls.FAMILY.prefix).partition("-")
        return cls(int(first), int(last)) if first.isdigit() and last.isdigit() else None

    def covers(self, report_ids: set[int]) -> bool:
        return any(self.first <= report <= self.last for report in report_ids)


@dataclass(frozen=True, slots=True)
class Digest(Purpose):
    """The review chat's daily digest, once per local day."""

    template: ClassVar[str] = "digest:{day}"
    day: str


@dataclass(frozen=True, slots=True)
class ProposalNotice(Purpose):
    """Organisers told of a member's proposal (it quotes what the member wrote)."""

    template: ClassVar[str] = "proposal:{proposal}"
    proposal: int


@dataclass(frozen=True, slots=True)
class ProposalDecided(Purpose):
    """A proposer told whether their proposal was approved."""

    template: ClassVar[str] = "proposal-outcome:{proposal}"
    proposal: int


@dataclass(frozen=True, slots=True)
class CallCopy(Purpose):
    """One part of a call (its text, or its media) to every chat it goes to."""

    template: ClassVar[str] = "call:{call}:{part}"
    call: int
    part: CallPart

    @staticmethod
    def of_call(call: int) -> Family:
        """Every row of a call: its copies, and the edits and deletions of them."""
        return Family(f"call:{call}:")


@dataclass(frozen=True, slots=True)
class CallEdit(Purpose):
    """An edit of every copy of a call already sent."""

    template: ClassVar[str] = "call:{call}:edit-{at}"
    call: int
    at: str


@dataclass(frozen=True, slots=True)
class CallDeletion(Purpose):
    """Every copy of a call deleted."""

    template: ClassVar[str] = "call:{call}:delete"
    call: int


@dataclass(frozen=True, slots=True)
class CallHeld(Purpose):
    """A scheduled call not published when due (its author lost the role): its author and
    the owners told."""

    template: ClassVar[str] = "call-held:{call}"
    call: int


@dataclass(frozen=True, slots=True)
class CallOut(Purpose):
    """A scheduled call's author told that it went out when it fell due."""

    template: ClassVar[str] = "call-out:{call}"
    call: int


@dataclass(frozen=True, slots=True)
class RoleChange(Purpose):
    """A member told that a role was granted or taken away."""

    template: ClassVar[str] = "role:{user}:{at}"
    user: int
    at: str


@dataclass(frozen=True, slots=True)
class ChannelLost(Purpose):
    """Whoever linked a channel told that the bot can no longer post there."""

    template: ClassVar[str] = "channel-lost:{chat}:{at}"
    chat: int
    at: str


@dataclass(frozen=True, slots=True)
class PromptLapse(Purpose):
    """A person told that a question the bot asked them lapsed unanswered."""

    template: ClassVar[str] = "prompt-lapsed:{prompt}"
    prompt: int


# -- the day of the action (README, "Action day") -------------------------------------------

#: The lanes of the outbox, highest first.
URGENT = 2
SOON = 1


@dataclass(frozen=True, slots=True)
class AlertCopy(Purpose):
    """An urgent alert to everyone it is for: the first lane, pinned in each chat."""

    template: ClassVar[str] = "alert:{alert}"
    priority: ClassVar[int] = URGENT
    alert: int


@dataclass(frozen=True, slots=True)
class SafetyCheck(Purpose):
    """ "Are you safe?" to everyone checked in (round 1), or again to those who had not answered
    (round 2)."""

    template: ClassVar[str] = "safety:{action}:r{revision}:{round}"
    priority: ClassVar[int] = SOON
    action: int
    revision: int
    """The action's revision when asked: moved to another day, it is asked anew."""
    round: int


@dataclass(frozen=True, slots=True)
class SafetyHelp(Purpose):
    """The safety team told, with consent, that one person needs help."""

    template: ClassVar[str] = "safety-help:{action}:{user}"
    priority: ClassVar[int] = URGENT
    action: int
    user: int


@dataclass(frozen=True, slots=True)
class PhotoAsk(Purpose):
    """The thank-you after an action that asks for photos: once per person."""

    template: ClassVar[str] = "photos:{action}:r{revision}"
    action: int
    revision: int


@dataclass(frozen=True, slots=True)
class LiveCard(Purpose):
    """The cards organisers have open on an action under way, edited to the latest numbers."""

    template: ClassVar[str] = "live-card:{action}:{at}"
    # Each refresh replaces the one before, so they cannot pile up: they need not wait
    # behind a call's copies.
    priority: ClassVar[int] = SOON
    action: int
    at: str


@dataclass(frozen=True, slots=True)
class Pinning(Purpose):
    """The pin of a message sent for ``of`` (an alert's copy), queued once it is sent. A lane
    below the alerts: every alert reaches its reader before any copy is pinned, so pins do not
    halve the pace of the alert itself."""

    template: ClassVar[str] = "pin:{of}"
    priority: ClassVar[int] = SOON
    of: str


@dataclass(frozen=True, slots=True)
class OwnerNotice(Purpose):
    """Every owner told of one sensitive move, the audit entry ``entry`` (README, "Owners see
    the sensitive moves"). A lane above a call's copies: a call to thousands, published
    without a second approval, must not hold back the notice that it was."""

    template: ClassVar[str] = "owner-notice:{entry}"
    priority: ClassVar[int] = SOON
    entry: int

    FAMILY: ClassVar[Family] = Family("owner-notice:")


# -- the two-person rule for broadcasts (README, "The two-person rule") ----------------------

#: The messages of a request for approval: the call's parts as they will be posted, then the
#: question with its buttons.
ApprovalPart = Literal["media", "text", "ask"]
APPROVAL_PARTS: tuple[ApprovalPart, ...] = ("media", "text", "ask")


@dataclass(frozen=True, slots=True)
class ApprovalRequest(Purpose):
    """A request for a second person's approval, to every other broadcaster and organiser:
    each part of the call as it will be posted, and the question (``ask``)."""

    template: ClassVar[str] = "approval:{request}:{part}"
    request: int
    part: ApprovalPart


@dataclass(frozen=True, slots=True)
class ApprovalOutcome(Purpose):
    """Whoever asked for an approval told what came of it: approved, refused, or too late."""

    template: ClassVar[str] = "approval-outcome:{request}"
    request: int


@dataclass(frozen=True, slots=True)
class ApprovalSettled(Purpose):
    """The other approvers' questions edited once one of them decided: who did, no buttons."""

    template: ClassVar[str] = "approval-settled:{request}"
    request: int


# -- paid broadcasts (TURNOUT_PAID_BROADCAST_RATE) ------------------------------------------

#: What a paid broadcast is: a call (all its parts) or an alert.
BroadcastKind = Literal["call", "alert"]


@dataclass(frozen=True, slots=True)
class PaidRanOut(Purpose):
    """The sender of a paid broadcast told that the bot's Stars ran out, and the rest goes at
    the free rate. Once per broadcast however often the outbox reports it. A lane above a
    call's copies: those left now go slowly, and the sender should know why at once."""

    template: ClassVar[str] = "paid-ran-out:{kind}:{ref}"
    priority: ClassVar[int] = SOON
    kind: BroadcastKind
    ref: int


def broadcast_of(key: str) -> tuple[BroadcastKind, int] | None:
    """The broadcast whose copies a stored purpose ``key`` names (``call:12:text`` → call 12,
    ``alert:5`` → alert 5); None for any other purpose (an edit of a call's copies, say)."""
    kind, _, rest = key.partition(":")
    if kind == "call":
        call = rest.partition(":")[0]
        if call.isdigit() and any(CallCopy(int(call), part).key == key for part in CALL_PARTS):
            return "call", int(call)
    elif kind == "alert" and rest.isdigit() and AlertCopy(int(rest)).key == key:
        return "alert", int(rest)
    return None


#: Every purpose class, for the test that keeps their keys apart.
PURPOSES: tuple[type[Purpose], ...] = (
    Reminder,
    ChangeNotice,
    WaitlistPromotion,
    ReportDecided,
    ReviewChatNotice,
    Digest,
    ProposalNotice,
    ProposalDecided,
    CallCopy,
    CallEdit,
    CallDeletion,
    CallHeld,
    CallOut,
    RoleChange,
    ChannelLost,
    PromptLapse,
    AlertCopy,
    SafetyCheck,
    SafetyHelp,
    PhotoAsk,
    LiveCard,
    Pinning,
    OwnerNotice,
    ApprovalRequest,
    ApprovalOutcome,
    ApprovalSettled,
    PaidRanOut,
)
