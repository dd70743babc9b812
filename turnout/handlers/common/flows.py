"""The shapes of a flow: a question asked step by step, each step waiting for its answer.

A ``Flow`` is a draft (a pydantic model, kept as JSON with the person's open prompt, so a
restart loses nothing) and named ``Step``s. A step asks its question and takes what it accepts
(text, a place on the map, media, one of its buttons); what it returns says where the flow goes
next: ``Go`` to another step, ``Stay`` on this one (having said why), or ``End``. The engine
that runs them, and routes each message and press to the right one, is ``prompts``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from turnout.handlers.common.context import TurnoutContext
from turnout.i18n import Translator
from turnout.storage import Prompt
from turnout.usecases.services import Services
from turnout.views.buttons import PromptButton
from turnout.views.reply import Reply

D = TypeVar("D", bound=BaseModel)

#: The names of the flows defined with ``reply_keyboard``: the engine ends prompts of any flow
#: (the one replaced by another, the one that lapsed), knowing only its name.
_REPLY_KEYBOARDS: set[str] = set()


def uses_reply_keyboard(flow: str) -> bool:
    """Whether the questions of the flow named ``flow`` put a reply keyboard on the screen."""
    return flow in _REPLY_KEYBOARDS


@dataclass(frozen=True, slots=True)
class Go:
    """Ask the question of ``step`` next."""

    step: str


@dataclass(frozen=True, slots=True)
class Stay:
    """Stay on this step; say ``text`` first when there is one."""

    text: str | None = None
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True, slots=True)
class End:
    """The flow is over: the step has said its last word."""


Outcome = Go | Stay | End


@dataclass
class Turn(Generic[D]):
    """One message or press handled by a flow: who, which prompt, and the draft so far."""

    update: Update
    context: TurnoutContext
    prompt: Prompt
    draft: D
    answered: bool = False
    """A press was answered (with a toast) by the step itself."""
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When the update began to be handled, by the bot's clock."""
    closed: bool = False

    @property
    def t(self) -> Translator:
        return self.context.t

    @property
    def services(self) -> Services:
        return self.context.services

    @property
    def user_id(self) -> int:
        return self.prompt.user_id

    @property
    def message(self) -> Message | None:
        return self.update.effective_message if self.update.callback_query is None else None

    def button(self, label: str, choice: str, value: int | None = None) -> InlineKeyboardButton:
        """A button of this question."""
        return PromptButton(self.prompt.id, choice, value).button(label)

    def keyboard(self, *rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
        """The non-empty rows as a keyboard; None without any (Telegram refuses an empty one)."""
        kept = [list(row) for row in rows if row]
        return InlineKeyboardMarkup(kept) if kept else None

    async def say(self, answer: Reply | str) -> Message:
        if isinstance(answer, str):
            answer = Reply(answer)
        return await self.context.bot.send_message(
            self.prompt.chat_id, answer.text, reply_markup=answer.markup
        )

    async def close(self) -> bool:
        """End the prompt now, before a step's last write (creating an action, publishing a
        call): killed after it, a press on the old question is a stale one, never a second
        action. False if it was closed meanwhile (then nothing should be written)."""
        self.closed = True
        return await self.context.store.close_prompt(self.prompt.id) is not None

    async def toast(self, text: str, *, alert: bool = False) -> None:
        query = self.update.callback_query
        if query is not None and not self.answered:
            await query.answer(text[:200], show_alert=alert)
            self.answered = True


Ask = Callable[[Turn[D]], Awaitable[Reply]]
OnText = Callable[[Turn[D], str], Awaitable[Outcome]]
OnMessage = Callable[[Turn[D], Message], Awaitable[Outcome]]
OnPress = Callable[[Turn[D], str, int | None], Awaitable[Outcome | None]]


@dataclass(frozen=True, slots=True)
class Step(Generic[D]):
    """One question. ``expects`` is the message key of what it waits for ("the title of the
    action"), said when something else arrives. ``press`` returns None for a choice that is
    not this step's (a button of an earlier question)."""

    expects: str
    ask: Ask[D]
    text: OnText[D] | None = None
    place: OnMessage[D] | None = None
    media: OnMessage[D] | None = None
    press: OnPress[D] | None = None


@dataclass(frozen=True, slots=True)
class Flow(Generic[D]):
    """A question flow: its name (stored with the prompt), its draft, its steps (the first
    asked first), and the commands that stay with it (/cancel always; /back and /skip act like
    those buttons)."""

    name: str
    draft: type[D]
    steps: Mapping[str, Step[D]]
    commands: frozenset[str] = field(default=frozenset({"cancel"}))
    cancelled: str | None = None
    """The message key said on /cancel; the generic "… cancelled" without one."""
    reply_keyboard: bool = False
    """Its questions put a reply keyboard under the text field (Telegram's "Share my
    location"), which stays until a message takes it away: however the engine ends the prompt
    (/cancel, another command or flow, a button of something else, the time running out), its
    notice takes the keyboard away. A step that ends the flow itself does so in its last word."""

    def __post_init__(self) -> None:
        if self.reply_keyboard:
            _REPLY_KEYBOARDS.add(self.name)

    @property
    def first(self) -> str:
        return next(iter(self.steps))
