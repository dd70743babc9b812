"""A decision with a reason the other side reads (Reject or Flag a report, Reject a proposal):
the reason (or "No reason"), then exactly what they will be told, and Confirm.

A typed reason is shown back as it will be sent before it is; "No reason" decides at once, as
Approve does. The two flows differ only in what they ask, what the other side is told, and
the decision itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import BaseModel

from turnout.handlers.common.flows import End, Flow, Go, Outcome, Step, Turn
from turnout.i18n import N_
from turnout.usecases import fields
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM, confirm_keyboard
from turnout.views.reply import Reply

NO_REASON = "none"


class ReasonDraft(BaseModel):
    subject: int
    """The report or the proposal decided."""
    chat_id: int
    card: int | None = None
    """The message the decision was asked on, to show it there."""
    flag: bool = False
    scope: int | None = None
    reason: str | None = None


Turn_ = Turn[ReasonDraft]


def reason_flow(
    name: str,
    question: Callable[[Turn_], str],
    told: Callable[[Turn_], Awaitable[str]],
    decide: Callable[[Turn_], Awaitable[None]],
    stopped: str,
) -> Flow[ReasonDraft]:
    """``question``: what is asked; ``told``: the message the other side will get, with the
    reason; ``decide``: the decision, with ``turn.draft.reason``."""

    async def ask_reason(turn: Turn_) -> Reply:
        none = turn.button(turn.t("review.button.no_reason"), NO_REASON)
        return Reply(question(turn), turn.keyboard([none]))

    async def got_reason(turn: Turn_, text: str) -> Outcome:
        turn.draft.reason = fields.reason(text)
        return Go("confirm")

    async def reason_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
        if choice != NO_REASON:
            return None
        turn.draft.reason = None
        return await final(turn)

    async def ask_confirm(turn: Turn_) -> Reply:
        text = await told(turn)
        return Reply(text, confirm_keyboard(turn.t, turn.prompt.id))

    async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
        if choice == CHANGE:
            return Go("reason")
        if choice == CANCEL:
            await turn.say(turn.t(stopped))
            return End()
        return await final(turn) if choice == CONFIRM else None

    async def final(turn: Turn_) -> Outcome:
        if await turn.close():
            await decide(turn)
        return End()

    return Flow(
        name,
        ReasonDraft,
        {
            "reason": Step(N_("expects.reason"), ask_reason, text=got_reason, press=reason_pressed),
            "confirm": Step(N_("expects.confirm"), ask_confirm, press=confirm_pressed),
        },
        cancelled=stopped,
    )
