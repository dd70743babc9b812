"""Going / Maybe / Can't go: answering on a card, the waitlist, and telling who moved up."""

from __future__ import annotations

from telegram import Update

from turnout.bot.context import TurnoutContext
from turnout.delivery import Payload
from turnout.handlers.actions import render_card
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.members import ensure_member
from turnout.storage import Action, ActionStatus, Answer
from turnout.views.actions import answer_name

_ANSWERS = {answer.value: answer for answer in (Answer.GOING, Answer.MAYBE, Answer.NOT_GOING)}


async def rsvp_button(update: Update, context: TurnoutContext) -> None:
    """``rsvp:<action id>:<answer>``; the card is updated in place."""
    query = update.callback_query
    assert query is not None
    _, action_text, answer_text = [*(query.data or "").split(":"), "", ""][:3]
    answer = _ANSWERS.get(answer_text)
    action = await context.store.action(as_id(action_text) or 0)
    if action is None or answer is None:
        await query.answer(context.t("card.gone"), show_alert=True)
        return
    if action.status is not ActionStatus.PLANNED or action.starts_at <= context.now():
        await query.answer(context.t("rsvp.closed"), show_alert=True)
        return
    await ensure_member(update, context)
    change = await context.store.answer_rsvp(action.id, query.from_user.id, answer, context.now())
    if change is None:  # cancelled or started since the check above
        await query.answer(context.t("rsvp.closed"), show_alert=True)
        return
    waitlisted = change.answer is Answer.WAITLISTED
    text = context.t(
        "rsvp.waitlisted" if waitlisted else "rsvp.recorded",
        answer=answer_name(context.t, change.answer),
    )
    await query.answer(text)
    await tell_promoted(context, action, change.promoted)
    reply = await render_card(update, context, action)
    if query.message is not None:
        await edit_in_place(query, reply.text, reply.markup)


async def tell_promoted(context: TurnoutContext, action: Action, promoted: tuple[int, ...]) -> None:
    """Tell each member who moved up from the waitlist, in their language, through the outbox
    (a capacity raised can promote many at once)."""
    if not promoted:
        return
    stamp = context.now().strftime("%Y%m%d%H%M%S")
    messages = []
    for user_id in promoted:
        member = await context.store.member(user_id)
        t = context.catalogs.translator(member.language if member else None)
        messages.append((user_id, Payload(t("rsvp.promoted", title=action.title))))
    await context.outbox.enqueue(f"promoted:{action.id}:{stamp}", messages)
