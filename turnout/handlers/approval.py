"""Approve / Refuse under a request for a second person's approval of a call (the two-person
rule): the decision, then the question becomes what came of it (and, for a call going out
now, how many copies arrived)."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.progress import follow
from turnout.handlers.common.replies import edit_in_place
from turnout.storage import DeliveryCounts
from turnout.usecases import approving
from turnout.views.buttons import DecideCall
from turnout.views.delivery import changes, progress
from turnout.views.timefmt import local_time


async def decide_button(update: Update, context: TurnoutContext, data: DecideCall) -> None:
    query = update.callback_query
    assert query is not None
    s, t = context.services, context.t
    decided = await approving.decide(s, query.from_user.id, data.request, data.verb == "ok")
    if decided.outcome == "published":
        head = t("approval.you_approved_now", id=decided.call)
    elif decided.outcome == "scheduled":
        assert decided.publish_at is not None
        time = local_time(decided.publish_at, context.timezone, t.language)
        head = t("approval.you_approved_later", id=decided.call, time=time)
    elif decided.outcome == "edited":
        head = t("approval.you_approved_edit", id=decided.call)
    elif decided.outcome == "refused":
        head = t("approval.you_refused", id=decided.call)
    else:
        assert decided.why is not None
        head = t("approval.you_void", id=decided.call, why=decided.why(t))
    await query.answer(head if len(head) <= 200 else None)
    await edit_in_place(query, head)
    message = query.message
    if decided.progress is None or message is None:
        return
    published = decided.outcome == "published"

    def render(counts: DeliveryCounts) -> str:
        return (
            head + "\n" + (progress(t, counts) if published else changes(t, counts, deleting=False))
        )

    if published or decided.copies:
        follow(context, decided.progress, message.chat.id, message.message_id, render)
