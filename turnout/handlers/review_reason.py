"""Reject or Flag a report: the reason (optional), what the member will be told, and Confirm.

The member reads the reason, so a typed reason is shown back as the member will get it before
it is sent; "No reason" decides at once, as Approve does.
"""

from __future__ import annotations

from pydantic import BaseModel
from telegram import Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.decisions import show_decided
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Step, Turn
from turnout.i18n import N_
from turnout.storage import ReportStatus
from turnout.usecases import fields, review
from turnout.usecases.errors import Gone
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM, confirm_keyboard
from turnout.views.reply import Reply
from turnout.views.review import member_told

NO_REASON = "none"


class ReasonDraft(BaseModel):
    report: int
    flag: bool
    scope: int | None = None
    chat_id: int
    card: int | None = None
    """The review card to show the decision on."""
    reason: str | None = None

    @property
    def status(self) -> ReportStatus:
        return ReportStatus.FLAGGED if self.flag else ReportStatus.REJECTED


async def begin(
    update: Update,
    context: TurnoutContext,
    report: int,
    flag: bool,
    scope: int | None,
    chat_id: int,
    card: int | None,
) -> None:
    draft = ReasonDraft(report=report, flag=flag, scope=scope, chat_id=chat_id, card=card)
    await prompts.start(update, context, REVIEW_REASON, draft)


Turn_ = Turn[ReasonDraft]


async def ask_reason(turn: Turn_) -> Reply:
    t = turn.t
    question = t("review.ask_flag_reason") if turn.draft.flag else t("review.ask_reason")
    none = turn.button(t("review.button.no_reason"), NO_REASON)
    return Reply(
        t("review.ask_about", id=turn.draft.report) + "\n" + question, turn.keyboard([none])
    )


async def got_reason(turn: Turn_, text: str) -> Outcome:
    turn.draft.reason = fields.reason(text)
    return Go("confirm")


async def reason_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice != NO_REASON:
        return None
    turn.draft.reason = None
    return await _decide(turn)


async def ask_confirm(turn: Turn_) -> Reply:
    draft = turn.draft
    report = await turn.services.store.report(draft.report)
    if report is None:
        raise Gone("review.gone")
    shown = await review.show(turn.services, report)
    member_t = await turn.services.translator_of(report.user_id)
    told = member_told(member_t, report.id, draft.status, shown.title, draft.reason)
    text = turn.t("review.confirm_reason") + "\n\n" + told
    return Reply(text, confirm_keyboard(turn.t, turn.prompt.id))


async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == CHANGE:
        return Go("reason")
    if choice == CANCEL:
        await turn.say(turn.t("review.stopped"))
        return End()
    return await _decide(turn) if choice == CONFIRM else None


async def _decide(turn: Turn_) -> Outcome:
    draft = turn.draft
    decision, shown = await review.decide(
        turn.services, turn.user_id, draft.report, draft.status, draft.reason
    )
    await show_decided(
        turn.update, turn.context, shown, decision.decided, draft.scope, draft.chat_id, draft.card
    )
    return End()


REVIEW_REASON: Flow[ReasonDraft] = Flow(
    name="review_reason",
    draft=ReasonDraft,
    first="reason",
    steps={
        "reason": Step(N_("expects.reason"), ask_reason, text=got_reason, press=reason_pressed),
        "confirm": Step(N_("expects.confirm"), ask_confirm, press=confirm_pressed),
    },
    cancelled=N_("review.stopped"),
)
