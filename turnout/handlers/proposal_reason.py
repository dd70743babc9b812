"""Reject a proposal: the reason (optional), what the proposer will be told, and Confirm."""

from __future__ import annotations

from pydantic import BaseModel
from telegram import Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.decisions import show_proposal
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Step, Turn
from turnout.i18n import N_
from turnout.permissions import ORGANISERS, allowed
from turnout.usecases import fields, proposals
from turnout.usecases.errors import Gone, NotAllowed
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM, confirm_keyboard
from turnout.views.reply import Reply

NO_REASON = "none"


class RejectDraft(BaseModel):
    proposal: int
    chat_id: int
    card: int | None = None
    """The notice to show the decision on."""
    reason: str | None = None


async def begin(
    update: Update, context: TurnoutContext, proposal_id: int, chat_id: int, card: int | None
) -> None:
    assert update.effective_user is not None
    if not allowed(await context.roles_of(update.effective_user.id), ORGANISERS):
        raise NotAllowed()
    if await context.store.proposal(proposal_id) is None:
        raise Gone("proposal.gone")
    draft = RejectDraft(proposal=proposal_id, chat_id=chat_id, card=card)
    await prompts.start(update, context, PROPOSAL_REASON, draft)


Turn_ = Turn[RejectDraft]


async def ask_reason(turn: Turn_) -> Reply:
    t = turn.t
    none = turn.button(t("review.button.no_reason"), NO_REASON)
    return Reply(t("proposal.ask_reason", id=turn.draft.proposal), turn.keyboard([none]))


async def got_reason(turn: Turn_, text: str) -> Outcome:
    turn.draft.reason = fields.reason(text)
    return Go("confirm")


async def reason_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice != NO_REASON:
        return None
    turn.draft.reason = None
    return await _reject(turn)


async def ask_confirm(turn: Turn_) -> Reply:
    t, draft = turn.t, turn.draft
    proposal = await turn.services.store.proposal(draft.proposal)
    if proposal is None:
        raise Gone("proposal.gone")
    proposer_t = await turn.services.translator_of(proposal.proposer_id)
    told = proposer_t("proposal.you_rejected", title=proposal.title)
    told += "\n" + proposer_t("proposal.reason", reason=draft.reason or "")
    return Reply(t("proposal.confirm_reason") + "\n\n" + told, confirm_keyboard(t, turn.prompt.id))


async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == CHANGE:
        return Go("reason")
    if choice == CANCEL:
        await turn.say(turn.t("review.stopped"))
        return End()
    return await _reject(turn) if choice == CONFIRM else None


async def _reject(turn: Turn_) -> Outcome:
    draft = turn.draft
    outcome = await proposals.reject(turn.services, turn.user_id, draft.proposal, draft.reason)
    if outcome.decided:
        await turn.say(turn.t("proposal.rejected_note"))
    await show_proposal(turn.update, turn.context, outcome, draft.chat_id, draft.card)
    return End()


PROPOSAL_REASON: Flow[RejectDraft] = Flow(
    name="proposal_reason",
    draft=RejectDraft,
    first="reason",
    steps={
        "reason": Step(N_("expects.reason"), ask_reason, text=got_reason, press=reason_pressed),
        "confirm": Step(N_("expects.confirm"), ask_confirm, press=confirm_pressed),
    },
    cancelled=N_("review.stopped"),
)
