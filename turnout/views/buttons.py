"""Button data: every family of inline buttons as a small typed class.

A family is a frozen dataclass with a ``prefix``; its fields are what the button carries. It
encodes itself as ``callback_data`` (``prefix:field:field``, at most Telegram's 64 bytes),
decodes a press back into itself (``None`` for anything that is not a well-formed button of the
family: old, forged or mangled data), and gives the pattern its handler is registered under.
Views build keyboards from these classes and handlers read presses with them, so no layer
spells callback data by hand.

Field types: ``int`` (an id or a number, ASCII digits with an optional minus), ``int | None``
(empty when None), ``str`` (no colon; at most ``MAX_TEXT`` characters, or ``Short(n)`` of them),
``bool`` (``1``/``0``), a ``StrEnum`` (by value) or a ``Literal`` of strings. Trailing fields
with a default may be left out of the data, which keeps older, shorter buttons readable.
"""

from __future__ import annotations

import re
import typing
from dataclasses import MISSING, dataclass, fields
from enum import StrEnum
from types import NoneType, UnionType
from typing import Annotated, Any, ClassVar, Literal, Self, cast

from telegram import InlineKeyboardButton

from turnout.storage import Answer, Role, Safety

#: Telegram's limit for callback data, in bytes.
MAX_DATA = 64
#: The longest text field (a time zone name is at most 32 characters).
MAX_TEXT = 40
#: The most digits a number may have: Telegram ids fit in 52 bits (16 digits).
MAX_DIGITS = 16
_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")


@dataclass(frozen=True, slots=True)
class Short:
    """``Annotated[str, Short(n)]``: a text field of at most ``n`` characters."""

    length: int


class ButtonData:
    """The base of every family; subclasses are frozen dataclasses with a unique ``prefix``."""

    prefix: ClassVar[str]

    def encode(self) -> str:
        values = [_write(getattr(self, spec.name), spec.longest) for spec in _specs(type(self))]
        while values and _trailing_default(type(self), len(values) - 1, values[-1]):
            values.pop()
        data = ":".join([self.prefix, *values])
        if len(data.encode()) > MAX_DATA:
            raise ValueError(f"callback data over {MAX_DATA} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        """The button ``data`` stands for, or None when it is not one of this family."""
        if data is None or len(data.encode()) > MAX_DATA:
            return None
        prefix, *parts = data.split(":")
        specs = _specs(cls)
        required = sum(1 for spec in specs if not spec.optional)
        if prefix != cls.prefix or not required <= len(parts) <= len(specs):
            return None
        values: dict[str, Any] = {}
        for spec, part in zip(specs, parts, strict=False):
            value = _read(spec.kind, part, spec.longest)
            if value is _BAD:
                return None
            values[spec.name] = value
        return cls(**values)

    def button(self, label: str) -> InlineKeyboardButton:
        """An inline button that carries this data."""
        return InlineKeyboardButton(label, callback_data=self.encode())

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """What the handler of this family is registered under."""
        return re.compile(rf"^{re.escape(cls.prefix)}(:|$)")


# -- members --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscription(ButtonData):
    """Subscribe to new calls in the private chat, or stop."""

    prefix: ClassVar[str] = "sub"
    state: Literal["on", "off"]


@dataclass(frozen=True, slots=True)
class ActionsPage(ButtonData):
    """A page of /actions."""

    prefix: ClassVar[str] = "acts"
    page: int


@dataclass(frozen=True, slots=True)
class OpenAction(ButtonData):
    """An action's card, sent as a new message."""

    prefix: ClassVar[str] = "act"
    action: int


@dataclass(frozen=True, slots=True)
class CalendarFile(ButtonData):
    """The action as an .ics file."""

    prefix: ClassVar[str] = "ics"
    action: int


@dataclass(frozen=True, slots=True)
class Rsvp(ButtonData):
    """Going, Maybe or Can't go on an action's card."""

    prefix: ClassVar[str] = "rsvp"
    action: int
    answer: Answer


@dataclass(frozen=True, slots=True)
class ByPlace(ButtonData):
    """Upcoming actions by place: the countries, one country's cities, or one city's actions."""

    prefix: ClassVar[str] = "plc"
    country: str = ""
    city: int | None = None


@dataclass(frozen=True, slots=True)
class NearMe(ButtonData):
    """How to share a location to find the actions near it."""

    prefix: ClassVar[str] = "near"
    step: Literal["ask"] = "ask"


@dataclass(frozen=True, slots=True)
class UseZone(ButtonData):
    """Take the time zone of a shared location."""

    prefix: ClassVar[str] = "tzset"
    zone: str


@dataclass(frozen=True, slots=True)
class SettingsChoice(ButtonData):
    """/settings: ``reminders`` (minutes, ``all`` or ``none``), ``language`` (a code, or empty
    for the list), ``name`` (``on``/``off``), ``timezone`` (asks for one)."""

    prefix: ClassVar[str] = "set"
    what: Literal["rem", "lang", "name", "tz"]
    value: str = ""


@dataclass(frozen=True, slots=True)
class ChooseReportAction(ButtonData):
    """Which action a report is about; ``action`` None: another one, or none."""

    prefix: ClassVar[str] = "rpa"
    report: int
    action: int | None = None


@dataclass(frozen=True, slots=True)
class ReportDraftStep(ButtonData):
    """Submit, add more, or cancel a report in progress."""

    prefix: ClassVar[str] = "rpt"
    verb: Literal["submit", "more", "cancel"]
    report: int


@dataclass(frozen=True, slots=True)
class WithdrawReport(ButtonData):
    """Take back a report still waiting for review."""

    prefix: ClassVar[str] = "rpw"
    report: int


@dataclass(frozen=True, slots=True)
class ForgetMe(ButtonData):
    """/forgetme's answer: delete everything, or keep it."""

    prefix: ClassVar[str] = "forget"
    answer: Literal["yes", "no"]


@dataclass(frozen=True, slots=True)
class ProposeFor(ButtonData):
    """Propose an action for a campaign."""

    prefix: ClassVar[str] = "prop"
    campaign: int


# -- organisers and hosts -------------------------------------------------------------------


class ActionField(StrEnum):
    """The fields of an action its Edit menu offers."""

    TITLE = "title"
    TIME = "time"
    END = "end"
    PLACE = "place"
    DESCRIPTION = "description"
    CAPACITY = "capacity"
    REMINDERS = "reminders"
    CAMPAIGN = "campaign"


@dataclass(frozen=True, slots=True)
class ManageAction(ButtonData):
    """An organiser's (or the host's) buttons on a card: the Edit menu, Cancel, and Cancel's
    confirmation."""

    prefix: ClassVar[str] = "org"
    action: int
    verb: Literal["edit", "cancel", "cancel_yes"]


@dataclass(frozen=True, slots=True)
class EditActionField(ButtonData):
    """One field of the Edit menu: asks for its new value."""

    prefix: ClassVar[str] = "orf"
    action: int
    field: ActionField


class ReviewVerb(StrEnum):
    APPROVE = "ok"
    REJECT = "no"
    FLAG = "flag"
    SKIP = "skip"
    NEXT = "next"


@dataclass(frozen=True, slots=True)
class ReviewReport(ButtonData):
    """A decision on a report, or Skip / Next; ``scope`` is the action /review was limited to
    (None: all), kept through Skip and Next."""

    prefix: ClassVar[str] = "rv"
    verb: ReviewVerb
    report: int
    scope: int | None = None


@dataclass(frozen=True, slots=True)
class PublishReport(ButtonData):
    """Publish an approved report: ``channel`` None asks which channel."""

    prefix: ClassVar[str] = "pub"
    report: int
    channel: int | None = None


class PreviewVerb(StrEnum):
    BLURRED = "b"
    AS_IS = "o"
    CANCEL = "x"


@dataclass(frozen=True, slots=True)
class PublishPreview(ButtonData):
    """Under a report shown with its faces covered: Publish blurred, Publish as is, Cancel."""

    prefix: ClassVar[str] = "pv"
    verb: PreviewVerb
    preview: int


class ProposalVerb(StrEnum):
    APPROVE = "ok"
    TRUST = "trust"
    REJECT = "no"
    EDIT = "edit"


@dataclass(frozen=True, slots=True)
class DecideProposal(ButtonData):
    """Approve, Approve and trust, Reject or Edit a proposal."""

    prefix: ClassVar[str] = "pp"
    verb: ProposalVerb
    proposal: int


class ProposalField(StrEnum):
    TITLE = "title"
    TIME = "time"
    END = "end"
    PLACE = "place"
    DESCRIPTION = "description"


@dataclass(frozen=True, slots=True)
class EditProposalField(ButtonData):
    """One field of a proposal to change before deciding."""

    prefix: ClassVar[str] = "pe"
    proposal: int
    field: ProposalField


# -- broadcasters ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnlinkChannel(ButtonData):
    prefix: ClassVar[str] = "chan"
    chat: int


@dataclass(frozen=True, slots=True)
class ManageCall(ButtonData):
    """/calls: edit the text of every copy, delete every copy (confirm, or keep), cancel a
    schedule."""

    prefix: ClassVar[str] = "calls"
    verb: Literal["edit", "delete", "delete_yes", "delete_no", "unschedule"]
    call: int


@dataclass(frozen=True, slots=True)
class DecideCall(ButtonData):
    """Approve or refuse a request for a second person's approval of a call (the two-person
    rule): ``request`` is the request's id, never reused, so a button of a request that was
    decided, or replaced by a newer one, changes nothing."""

    prefix: ClassVar[str] = "appr"
    request: int
    verb: Literal["ok", "no"]


# -- owners ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevokeRole(ButtonData):
    prefix: ClassVar[str] = "role"
    user: int
    role: Role


@dataclass(frozen=True, slots=True)
class InviteFor(ButtonData):
    prefix: ClassVar[str] = "invite"
    role: Role


# -- the day of the action (README, "Action day") -------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckIn(ButtonData):
    """ "I'm here", on the card and in the last reminder, from an hour before the start."""

    prefix: ClassVar[str] = "here"
    action: int


@dataclass(frozen=True, slots=True)
class MuteAlerts(ButtonData):
    """Under an urgent alert: mute (or hear again) the alerts of that action."""

    prefix: ClassVar[str] = "mute"
    action: int
    muted: bool


@dataclass(frozen=True, slots=True)
class SafetyReply(ButtonData):
    """ "I'm safe" or "I need help", under the safety check."""

    prefix: ClassVar[str] = "safe"
    action: int
    answer: Safety


@dataclass(frozen=True, slots=True)
class ShareContact(ButtonData):
    """After "I need help": share my Telegram contact with the safety team, or not."""

    prefix: ClassVar[str] = "share"
    action: int
    share: bool


@dataclass(frozen=True, slots=True)
class RunSafetyCheck(ButtonData):
    """On the card of an organiser or the host: ask everyone checked in now (``ask``), or ask
    once more those who have not answered (``again``)."""

    prefix: ClassVar[str] = "sfc"
    action: int
    verb: Literal["ask", "again"]


@dataclass(frozen=True, slots=True)
class ReportOn(ButtonData):
    """Under the thank-you after an action: open a report for that action directly."""

    prefix: ClassVar[str] = "rpf"
    action: int


# -- questions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromptButton(ButtonData):
    """A button of a question the bot asked (a step of /newaction, Confirm under an edit…).

    ``prompt`` is the question's id, never reused: a button of an earlier question, of a flow
    that ended, or of someone else's, is told apart from the open one and answers with why.
    ``choice`` is one of the step's own words (``back``, ``skip``, ``confirm``…) and ``value``
    what it picks (a city, one of two readings of a time, a channel)."""

    prefix: ClassVar[str] = "q"
    prompt: int
    choice: Annotated[str, Short(12)]
    value: int | None = None


#: Every family, for the registry's tests and the 64-byte check.
FAMILIES: tuple[type[ButtonData], ...] = (
    Subscription,
    ActionsPage,
    OpenAction,
    CalendarFile,
    Rsvp,
    ByPlace,
    NearMe,
    UseZone,
    SettingsChoice,
    ChooseReportAction,
    ReportDraftStep,
    WithdrawReport,
    ForgetMe,
    ProposeFor,
    ManageAction,
    EditActionField,
    ReviewReport,
    PublishReport,
    PublishPreview,
    DecideProposal,
    EditProposalField,
    UnlinkChannel,
    ManageCall,
    DecideCall,
    RevokeRole,
    InviteFor,
    CheckIn,
    MuteAlerts,
    SafetyReply,
    ShareContact,
    RunSafetyCheck,
    ReportOn,
    PromptButton,
)


# -- the codec ------------------------------------------------------------------------------


class _Bad:
    """What a part that does not read as its field's type becomes."""


_BAD = _Bad()


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    kind: Any
    optional: bool
    default: Any
    longest: int = MAX_TEXT


_SPECS: dict[type[ButtonData], tuple[_Spec, ...]] = {}


def _specs(family: type[ButtonData]) -> tuple[_Spec, ...]:
    """The fields of a family, read once."""
    found = _SPECS.get(family)
    if found is None:
        hints = typing.get_type_hints(family, include_extras=True)
        found = _SPECS[family] = tuple(
            _spec(spec.name, hints[spec.name], spec.default) for spec in fields(cast(Any, family))
        )
    return found


def _spec(name: str, hint: Any, default: Any) -> _Spec:
    optional = default is not MISSING
    if typing.get_origin(hint) is Annotated:
        kind, *extras = typing.get_args(hint)
        short = next(extra for extra in extras if isinstance(extra, Short))
        return _Spec(name, kind, optional, default, short.length)
    return _Spec(name, hint, optional, default)


def _trailing_default(family: type[ButtonData], index: int, written: str) -> bool:
    spec = _specs(family)[index]
    return spec.optional and _write(spec.default, spec.longest) == written


def _write(value: object, longest: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, StrEnum):
        return value.value
    text = str(value)
    if ":" in text:
        raise ValueError(f"a button field cannot hold a colon: {text!r}")
    if isinstance(value, str) and len(text) > longest:
        raise ValueError(f"a button field of at most {longest} characters: {text!r}")
    return text


def _read(kind: Any, part: str, longest: int) -> object:
    """``part`` as a value of ``kind``, or ``_BAD``."""
    if isinstance(kind, UnionType):  # ``int | None``
        inner = [arg for arg in typing.get_args(kind) if arg is not NoneType]
        return None if part == "" else _read(inner[0], part, longest)
    if typing.get_origin(kind) is Literal:
        return part if part in typing.get_args(kind) else _BAD
    if kind is bool:
        return {"1": True, "0": False}.get(part, _BAD)
    if kind is int:
        return int(part) if _NUMBER.fullmatch(part) else _BAD
    if kind is str:
        return part if len(part) <= longest else _BAD
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(part)
        except ValueError:
            return _BAD
    raise TypeError(f"unsupported button field type: {kind!r}")
