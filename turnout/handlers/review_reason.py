"""Reject or Flag a report: the reason (optional), what the member will be told, and Confirm
(``common.reasons``)."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.decisions import show_decided
from turnout.handlers.common.flows import Turn
from turnout.handlers.common.reasons import ReasonDraft, reason_flow
from turnout.i18n import N_
from turnout.storage import ReportStatus
from turnout.usecases import review
from turnout.usecases.errors import Gone
from turnout.views.review import decided_first, member_told


async def begin(
    update: Update,
    context: TurnoutContext,
    report: int,
    flag: bool,
    scope: int | None,
    chat_id: int,
    card: int | None,
) -> None:
    draft = ReasonDraft(subject=report, chat_id=chat_id, card=card, flag=flag, scope=scope)
    await prompts.start(update, context, REVIEW_REASON, draft)


def _status(draft: ReasonDraft) -> ReportStatus:
    return ReportStatus.FLAGGED if draft.flag else ReportStatus.REJECTED


def _question(turn: Turn[ReasonDraft]) -> str:
    t = turn.t
    why = t("review.ask_flag_reason") if turn.draft.flag else t("review.ask_reason")
    return t("review.ask_about", id=turn.draft.subject) + "\n" + why


async def _told(turn: Turn[ReasonDraft]) -> str:
    """The message the member will get, in their language."""
    draft, s = turn.draft, turn.services
    report = await s.store.report(draft.subject)
    if report is None:
        raise Gone("review.gone")
    shown = await review.show(s, report, turn.user_id)
    member_t = await s.translator_of(report.user_id)
    told = member_told(member_t, report.id, _status(draft), shown.title, draft.reason)
    return turn.t("review.confirm_reason") + "\n\n" + told


async def _decide(turn: Turn[ReasonDraft]) -> None:
    draft = turn.draft
    decision, shown = await review.decide(
        turn.services, turn.user_id, draft.subject, _status(draft), draft.reason
    )
    if not decision.decided:  # someone was first: said here, where Confirm was pressed
        by = await review.decided_by(turn.services, shown.report, turn.user_id)
        await turn.toast(decided_first(turn.t, shown.report, by), alert=True)
    await show_decided(
        turn.update, turn.context, shown, decision.decided, draft.scope, draft.chat_id, draft.card
    )


REVIEW_REASON = reason_flow("review_reason", _question, _told, _decide, N_("review.stopped"))
