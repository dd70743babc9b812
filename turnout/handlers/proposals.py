"""The organisers' side of proposals: /proposals, Approve / Approve and trust, and the ways to
Reject (with a reason: ``proposal_reason``) and Edit (``proposal_edit``). The first decision
counts; the proposer is told."""

from __future__ import annotations

from telegram import Update

from turnout.handlers import proposal_edit, proposal_reason
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.decisions import show_proposal
from turnout.handlers.common.replies import reply
from turnout.usecases import proposals
from turnout.views.buttons import DecideProposal, ProposalVerb
from turnout.views.proposals import notice

PENDING_SHOWN = 10


async def pending_command(update: Update, context: TurnoutContext) -> None:
    """``/proposals``: those still waiting, each with its buttons (a notice that went astray
    is never lost)."""
    assert update.effective_user is not None
    s = context.services
    waiting = await proposals.pending(s, update.effective_user.id, PENDING_SHOWN)
    if not waiting:
        await reply(update, context.t("proposal.none_pending"))
        return
    for proposal in waiting:
        await reply(update, notice(context.t, proposal, await proposals.who(s, proposal)))


async def proposal_button(update: Update, context: TurnoutContext, data: DecideProposal) -> None:
    query = update.callback_query
    assert query is not None
    s, user_id = context.services, query.from_user.id
    if data.verb is ProposalVerb.EDIT:
        await proposal_edit.choose_field(update, context, data.proposal)
        return
    if data.verb is ProposalVerb.REJECT:
        card = query.message.message_id if query.message else None
        chat_id = query.message.chat.id if query.message else user_id
        await proposal_reason.begin(update, context, data.proposal, chat_id, card)
        return
    trust = data.verb is ProposalVerb.TRUST
    outcome = await proposals.approve(s, user_id, data.proposal, trust=trust)
    await query.answer(context.t("proposal.approved_note") if outcome.decided else None)
    await show_proposal(update, context, outcome, None, None)
