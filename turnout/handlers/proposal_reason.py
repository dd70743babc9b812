"""Reject a proposal: the reason (optional), what the proposer will be told, and Confirm
(``common.reasons``)."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.decisions import show_proposal
from turnout.handlers.common.flows import Turn
from turnout.handlers.common.reasons import ReasonDraft, reason_flow
from turnout.i18n import N_
from turnout.usecases import proposals
from turnout.usecases.errors import Gone


async def begin(
    update: Update, context: TurnoutContext, proposal_id: int, chat_id: int, card: int | None
) -> None:
    assert update.effective_user is not None
    await proposals.pending_one(context.services, update.effective_user.id, proposal_id)
    draft = ReasonDraft(subject=proposal_id, chat_id=chat_id, card=card)
    await prompts.start(update, context, PROPOSAL_REASON, draft)


def _question(turn: Turn[ReasonDraft]) -> str:
    return turn.t("proposal.ask_reason", id=turn.draft.subject)


async def _told(turn: Turn[ReasonDraft]) -> str:
    """The message the proposer will get, in their language."""
    draft, s = turn.draft, turn.services
    proposal = await s.store.proposal(draft.subject)
    if proposal is None:
        raise Gone("proposal.gone")
    proposer_t = await s.translator_of(proposal.proposer_id)
    told = proposer_t("proposal.you_rejected", title=proposal.title)
    told += "\n" + proposer_t("proposal.reason", reason=draft.reason or "")
    return turn.t("proposal.confirm_reason") + "\n\n" + told


async def _reject(turn: Turn[ReasonDraft]) -> None:
    draft = turn.draft
    outcome = await proposals.reject(turn.services, turn.user_id, draft.subject, draft.reason)
    if outcome.decided:
        await turn.say(turn.t("proposal.rejected_note"))
    else:  # someone was first: said here, where Confirm was pressed
        await turn.toast(turn.t("proposal.already_decided"), alert=True)
    await show_proposal(turn.update, turn.context, outcome, draft.chat_id, draft.card)


PROPOSAL_REASON = reason_flow("proposal_reason", _question, _told, _reject, N_("review.stopped"))
