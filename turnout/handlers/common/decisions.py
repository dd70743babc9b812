"""Showing a decision where it was asked for: a report's review card, a proposal's notice. The
outcome, or whose decision was first, replaces the decisions' buttons."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from turnout.delivery.progress import not_modified
from turnout.handlers.common.context import TurnoutContext
from turnout.permissions import ORGANISERS, allowed
from turnout.storage import ProposalOutcome
from turnout.usecases import proposals, review
from turnout.usecases.review import Shown
from turnout.views.proposals import decided
from turnout.views.reply import Reply
from turnout.views.review import decided_card


async def show_decided(
    update: Update,
    context: TurnoutContext,
    shown: Shown,
    decided_now: bool,
    scope: int | None,
    chat_id: int,
    card: int | None,
) -> None:
    """A report's card with its decision: the card ``card`` in ``chat_id``, or else the one
    whose button was pressed."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    by = None
    if not decided_now:
        by = await review.decided_by(context.services, shown.report, user_id)
        by = by or (context.t("review.another_organiser") if by == "" else None)
    publishes = allowed(await context.roles_of(user_id), ORGANISERS)
    answer = decided_card(
        context.t, shown.report, shown.title, shown.who, context.settings.timezone,
        by, scope, can_publish=publishes,
    )  # fmt: skip
    await _show(update, context, answer, chat_id, card)


async def show_proposal(
    update: Update,
    context: TurnoutContext,
    outcome: ProposalOutcome,
    chat_id: int | None,
    card: int | None,
) -> None:
    """A proposal's notice once decided (or who decided it first)."""
    proposal = outcome.proposal
    by = None if outcome.decided else context.t("review.another_organiser")
    answer = decided(context.t, proposal, await proposals.who(context.services, proposal), by)
    await _show(update, context, answer, chat_id, card)


async def _show(
    update: Update, context: TurnoutContext, answer: Reply, chat_id: int | None, card: int | None
) -> None:
    query = update.callback_query
    try:
        if card is not None and chat_id is not None:
            await context.bot.edit_message_text(
                answer.text, chat_id, card, reply_markup=answer.markup
            )
        elif query is not None and query.message is not None:
            await query.edit_message_text(answer.text, reply_markup=answer.markup)
        elif chat_id is not None:
            await context.bot.send_message(chat_id, answer.text, reply_markup=answer.markup)
    except BadRequest as error:
        # A second press on a card that already shows the decision changes nothing.
        if not not_modified(error):
            raise
