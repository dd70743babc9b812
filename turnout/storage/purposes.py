"""Outbox purposes: what each ``deliveries`` row is for, as typed values.

A purpose is the first half of the outbox's unique key (purpose, chat): enqueuing the same purpose
to the same chat twice sends once. Every purpose is one small class here, so the string it is
stored as is spelled in one place, and the queries that pick out a family of rows (every reminder
of one action, every copy of one call) ask for it by a typed ``Family`` rather than a hand-built
``LIKE`` pattern.

The stored strings are those of earlier versions, so rows queued before an upgrade keep their
meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

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


class Purpose:
    """Base of every purpose; ``key`` is what the ``deliveries.purpose`` column holds."""

    __slots__ = ()

    @property
    def key(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class Reminder(Purpose):
    """One reminder of an action: unique per action, time revision and offset, so a reminder
    planned again after a crash, or for a new time, is a row of its own."""

    action: int
    revision: int
    minutes: int

    @property
    def key(self) -> str:
        return f"reminder:{self.action}:r{self.revision}:{self.minutes}m"

    @staticmethod
    def of_action(action: int) -> Family:
        return Family(f"reminder:{action}:")


@dataclass(frozen=True, slots=True)
class ChangeNotice(Purpose):
    """A change of time or place, or a cancellation, told to everyone who answered."""

    notice: int

    @property
    def key(self) -> str:
        return f"notice:{self.notice}"


@dataclass(frozen=True, slots=True)
class WaitlistPromotion(Purpose):
    """Members told they moved up from the waitlist; one batch per moment seats were freed."""

    action: int
    at: str

    @property
    def key(self) -> str:
        return f"promoted:{self.action}:{self.at}"


@dataclass(frozen=True, slots=True)
class ReportDecided(Purpose):
    """A member told what became of their report."""

    report: int

    @property
    def key(self) -> str:
        return f"review:{self.report}"


@dataclass(frozen=True, slots=True)
class ReviewChatNotice(Purpose):
    """The review chat told of the reports ``first`` to ``last``."""

    first: int
    last: int

    @property
    def key(self) -> str:
        return f"review-notice:{self.first}-{self.last}"


@dataclass(frozen=True, slots=True)
class Digest(Purpose):
    """The review chat's daily digest, once per local day."""

    day: str

    @property
    def key(self) -> str:
        return f"digest:{self.day}"


@dataclass(frozen=True, slots=True)
class ProposalNotice(Purpose):
    """Organisers told of a member's proposal (it quotes what the member wrote)."""

    proposal: int

    @property
    def key(self) -> str:
        return f"proposal:{self.proposal}"


@dataclass(frozen=True, slots=True)
class ProposalDecided(Purpose):
    """A proposer told whether their proposal was approved."""

    proposal: int

    @property
    def key(self) -> str:
        return f"proposal-outcome:{self.proposal}"


@dataclass(frozen=True, slots=True)
class CallCopy(Purpose):
    """One part of a call (its text, or its media) to every chat it goes to."""

    call: int
    part: CallPart

    @property
    def key(self) -> str:
        return f"call:{self.call}:{self.part}"

    @staticmethod
    def of_call(call: int) -> Family:
        """Every row of a call: its copies, and the edits and deletions of them."""
        return Family(f"call:{call}:")


@dataclass(frozen=True, slots=True)
class CallEdit(Purpose):
    """An edit of every copy of a call already sent."""

    call: int
    at: str

    @property
    def key(self) -> str:
        return f"call:{self.call}:edit-{self.at}"


@dataclass(frozen=True, slots=True)
class CallDeletion(Purpose):
    """Every copy of a call deleted."""

    call: int

    @property
    def key(self) -> str:
        return f"call:{self.call}:delete"


@dataclass(frozen=True, slots=True)
class RoleChange(Purpose):
    """A member told that a role was granted or taken away."""

    user: int
    at: str

    @property
    def key(self) -> str:
        return f"role:{self.user}:{self.at}"


@dataclass(frozen=True, slots=True)
class ChannelLost(Purpose):
    """Whoever linked a channel told that the bot can no longer post there."""

    chat: int
    at: str

    @property
    def key(self) -> str:
        return f"channel-lost:{self.chat}:{self.at}"


@dataclass(frozen=True, slots=True)
class PromptLapse(Purpose):
    """A person told that a question the bot asked them lapsed unanswered."""

    prompt: int

    @property
    def key(self) -> str:
        return f"prompt-lapsed:{self.prompt}"


@dataclass(frozen=True, slots=True)
class ScheduledCallOutcome(Purpose):
    """A broadcaster told that their scheduled call went out."""

    call: int

    @property
    def key(self) -> str:
        return f"scheduled:{self.call}"


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
    RoleChange,
    ChannelLost,
    PromptLapse,
    ScheduledCallOutcome,
)
