"""The organisers' side of proposals: the notice, Approve / Approve and trust / Reject (with a
reason) / Edit, and telling the proposer. The first decision counts; every one is audited."""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url

from turnout.bot.context import TurnoutContext
from turnout.delivery import Payload
from turnout.delivery.payload import Button
from turnout.handlers.arguments import as_id
from turnout.handlers.inplace import edit_in_place
from turnout.handlers.newaction import MAX_DESCRIPTION, MAX_TITLE
from turnout.handlers.registry import REASON, conversation_handler, guarded, stopper
from turnout.handlers.registry import reason_conversation as reasoned
from turnout.handlers.timeinput import AMBIGUITIES, REFUSALS
from turnout.i18n import N_, Translator
from turnout.permissions import ORGANISERS
from turnout.pseudonym import shown_as
from turnout.scheduler.planner import wake_planner_at_next
from turnout.scheduler.reminders import plan_reminders
from turnout.scheduler.timeparse import Ambiguous, Parsed, Refused, parse_time
from turnout.storage import Proposal, ProposalOutcome, ProposalStatus, Role
from turnout.views.proposals import PROPOSAL_FIELDS, decided, edit_fields, notice
from turnout.views.reply import Reply
from turnout.views.timefmt import local_time

MAX_REASON = 500
PENDING_SHOWN = 10
REASON_WAIT = timedelta(minutes=10)
VALUE = 1
# user_data: the proposal whose rejection reason is awaited; the (proposal, field) being edited.
AWAITING = "proposal_reason"
EDITING = "proposal_edit"


def default_minutes(context: TurnoutContext) -> tuple[int, ...]:
    return tuple(int(o.total_seconds() // 60) for o in context.settings.reminder_offsets)


async def _who(context: TurnoutContext, proposal: Proposal) -> str:
    member = await context.store.member(proposal.proposer_id)
    name = member.first_name if member is not None and member.show_name else None
    return shown_as(await context.store.pseudonym_key(), proposal.proposer_id, name)


def _payload(reply: Reply) -> Payload:
    rows = reply.markup.inline_keyboard if reply.markup is not None else ()
    buttons = tuple(
        tuple(Button(b.text, callback_data=str(b.callback_data)) for b in row) for row in rows
    )
    return Payload(reply.text, buttons=buttons)


async def announce(context: TurnoutContext, proposal: Proposal) -> None:
    """The notice to the review chat if there is one, else to every organiser and owner, each
    in their language, through the outbox."""
    who = await _who(context, proposal)
    purpose = f"proposal:{proposal.id}"
    review_chat = context.settings.review_chat_id
    if review_chat is not None:
        t = context.catalogs.translator(None)
        await context.outbox.enqueue(purpose, [(review_chat, _payload(notice(t, proposal, who)))])
        return
    staff = {
        grant.user_id
        for grant in await context.store.role_holders()
        if grant.role is Role.ORGANISER
    }
    staff |= set(context.settings.owner_ids)
    languages = await context.store.languages_of(sorted(staff))
    messages = []
    for user_id in sorted(staff):
        t = context.catalogs.translator(languages.get(user_id))
        messages.append((user_id, _payload(notice(t, proposal, who))))
    await context.outbox.enqueue(purpose, messages)


async def pending_command(update: Update, context: TurnoutContext) -> None:
    """``/proposals``: the proposals still waiting, each with its buttons (a notice that went
    astray is never lost)."""
    message = update.effective_message
    assert message is not None
    waiting = await context.store.pending_proposals(PENDING_SHOWN)
    if not waiting:
        await message.reply_text(context.t("proposal.none_pending"))
        return
    for proposal in waiting:
        reply = notice(context.t, proposal, await _who(context, proposal))
        await message.reply_text(reply.text, reply_markup=reply.markup)


async def invite_to_propose(
    update: Update, context: TurnoutContext, campaign_id: int | None
) -> None:
    """The ``prop_<campaign>`` link: what the campaign asks, and a button to propose."""
    chat = update.effective_chat
    assert chat is not None
    campaign = await context.store.campaign(campaign_id) if campaign_id is not None else None
    if campaign is None:
        await chat.send_message(context.t("propose.how"))
        return
    button = InlineKeyboardButton(
        context.t("propose.button.start"), callback_data=f"prop:{campaign.id}"
    )
    await chat.send_message(
        context.t("propose.for_campaign", name=campaign.name),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def _tell_proposer(context: TurnoutContext, outcome: ProposalOutcome) -> None:
    proposal = outcome.proposal
    member = await context.store.member(proposal.proposer_id)
    t = context.catalogs.translator(member.language if member else None)
    if outcome.action is not None:
        link = create_deep_linked_url(context.bot.username, f"act_{outcome.action.id}")
        text = t("proposal.you_approved", title=proposal.title, link=link)
    else:
        text = t("proposal.you_rejected", title=proposal.title)
        if proposal.reason:
            text += "\n" + t("proposal.reason", reason=proposal.reason)
    await context.outbox.enqueue(
        f"proposal-outcome:{proposal.id}", [(proposal.proposer_id, Payload(text))]
    )


async def _show_decided(
    update: Update, context: TurnoutContext, outcome: ProposalOutcome, card: int | None = None
) -> None:
    """The notice with the outcome instead of the buttons (or who decided it first)."""
    proposal = outcome.proposal
    by = None
    if not outcome.decided:
        by = context.t("review.another_organiser")
    reply = decided(context.t, proposal, await _who(context, proposal), by)
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None
    if query is not None and card is None:
        await edit_in_place(query, reply.text, reply.markup)
    elif card is not None:
        await context.bot.edit_message_text(reply.text, chat.id, card, reply_markup=reply.markup)
    else:
        await chat.send_message(reply.text, reply_markup=reply.markup)


async def proposal_button(update: Update, context: TurnoutContext) -> None:
    """``pp:ok|trust:<id>`` publishes the proposal as an action hosted by its proposer;
    ``pp:edit:<id>`` asks which field to change (Reject is ``reason_conversation``)."""
    query = update.callback_query
    assert query is not None
    verb, proposal_id = _parse(query.data)
    if verb == "edit":
        await choose_field(update, context)
        return
    if proposal_id is None or verb not in ("ok", "trust"):
        await query.answer(context.t("proposal.gone"), show_alert=True)
        return
    now = context.now()
    waiting = await context.store.proposal(proposal_id)
    pending = waiting is not None and waiting.status is ProposalStatus.PENDING
    if pending and waiting is not None and waiting.starts_at <= now:
        # It waited too long: an action in the past helps nobody.
        await query.answer(context.t("proposal.past"), show_alert=True)
        return
    outcome = await context.store.approve_proposal(
        proposal_id,
        query.from_user.id,
        default_minutes(context),
        lambda action: plan_reminders(action.starts_at, action.reminder_minutes, now),
        now,
        trust=verb == "trust",
    )
    if outcome is None:
        await query.answer(context.t("proposal.gone"), show_alert=True)
        return
    await query.answer(context.t("proposal.approved_note") if outcome.decided else None)
    if outcome.decided:
        await wake_planner_at_next(context.application)
        await _tell_proposer(context, outcome)
    await _show_decided(update, context, outcome)


async def ask_reason(update: Update, context: TurnoutContext) -> int:
    """``pp:no:<id>``: ask why (the proposer reads it), or none."""
    query = update.callback_query
    assert query is not None
    _, proposal_id = _parse(query.data)
    proposal = await context.store.proposal(proposal_id or 0)
    if proposal is None:
        await query.answer(context.t("proposal.gone"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    card = query.message.message_id if query.message else None
    if context.user_data is not None:
        context.user_data[AWAITING] = (proposal.id, card)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    context.t("review.button.no_reason"), callback_data=f"pp:bare:{proposal.id}"
                )
            ]
        ]
    )
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await context.bot.send_message(
        chat_id, context.t("proposal.ask_reason", id=proposal.id), reply_markup=markup
    )
    return REASON


async def got_reason(update: Update, context: TurnoutContext) -> int:
    message = update.effective_message
    assert message is not None
    reason = (message.text or "").strip()
    if len(reason) > MAX_REASON:
        await message.reply_text(context.t("review.reason_too_long", limit=MAX_REASON))
        return REASON
    return await _reject(update, context, reason or None)


async def no_reason(update: Update, context: TurnoutContext) -> int:
    """ "No reason" under a prompt rejects that prompt's proposal only (an older prompt's
    button, after Reject was pressed on another proposal, does nothing)."""
    query = update.callback_query
    assert query is not None
    _, proposal_id = _parse(query.data)
    awaited = context.user_data.get(AWAITING) if context.user_data is not None else None
    if not isinstance(awaited, tuple) or awaited[0] != proposal_id:
        await query.answer(context.t("proposal.gone"), show_alert=True)
        return REASON if isinstance(awaited, tuple) else ConversationHandler.END
    await query.answer()
    return await _reject(update, context, None)


async def _reject(update: Update, context: TurnoutContext, reason: str | None) -> int:
    awaited = context.user_data.pop(AWAITING, None) if context.user_data is not None else None
    user = update.effective_user
    assert user is not None
    if not isinstance(awaited, tuple):
        return ConversationHandler.END
    proposal_id, card = awaited
    outcome = await context.store.reject_proposal(proposal_id, user.id, reason, context.now())
    if outcome is None:
        return ConversationHandler.END
    chat = update.effective_chat
    assert chat is not None
    if outcome.decided:
        await _tell_proposer(context, outcome)
        await chat.send_message(context.t("proposal.rejected_note"))
    await _show_decided(update, context, outcome, card)
    return ConversationHandler.END


async def choose_field(update: Update, context: TurnoutContext) -> None:
    """``pp:edit:<id>``: which field to change."""
    query = update.callback_query
    assert query is not None
    _, proposal_id = _parse(query.data)
    proposal = await context.store.proposal(proposal_id or 0)
    if proposal is None:
        await query.answer(context.t("proposal.gone"), show_alert=True)
        return
    await query.answer()
    reply = edit_fields(context.t, proposal.id)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await context.bot.send_message(chat_id, reply.text, reply_markup=reply.markup)


async def ask_value(update: Update, context: TurnoutContext) -> int:
    """``pe:<id>:<field>``: ask for the new value."""
    query = update.callback_query
    assert query is not None
    match = re.fullmatch(r"pe:(\d+):(\w+)", query.data or "")
    proposal = await context.store.proposal(int(match[1])) if match else None
    if match is None or proposal is None or match[2] not in PROPOSAL_FIELDS:
        await query.answer(context.t("proposal.gone"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    if context.user_data is not None:
        context.user_data[EDITING] = (proposal.id, match[2])
    prompt = {
        "title": N_("edit.ask.title"),
        "time": N_("edit.ask.time"),
        "place": N_("propose.ask_meeting_point"),
        "description": N_("edit.ask.description"),
    }[match[2]]
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await context.bot.send_message(chat_id, context.t(prompt, timezone=proposal.timezone))
    return VALUE


async def got_value(update: Update, context: TurnoutContext) -> int:
    editing = context.user_data.get(EDITING) if context.user_data is not None else None
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    if not isinstance(editing, tuple):
        return ConversationHandler.END
    proposal = await context.store.proposal(editing[0])
    if proposal is None:
        return ConversationHandler.END
    change, problem = _value(context.t, proposal, editing[1], (message.text or "").strip(), context)
    if problem is not None:
        await message.reply_text(problem)
        return VALUE
    updated = await context.store.edit_proposal(proposal.id, change, user.id, context.now())
    if context.user_data is not None:
        context.user_data.pop(EDITING, None)
    if updated is None:
        await message.reply_text(context.t("proposal.gone"))
        return ConversationHandler.END
    reply = notice(context.t, updated, await _who(context, updated))
    await message.reply_text(context.t("edit.saved"))
    await message.reply_text(reply.text, reply_markup=reply.markup)
    return ConversationHandler.END


def _value(
    t: Translator, proposal: Proposal, field: str, text: str, context: TurnoutContext
) -> tuple[dict[str, object], str | None]:
    """The change a typed value makes, or what is wrong with it."""
    if field == "title":
        if not text or len(text) > MAX_TITLE:
            return {}, t("newaction.bad_title", limit=MAX_TITLE)
        return {"title": text}, None
    if field == "place":
        if not text or len(text) > 300:
            return {}, t("propose.bad_meeting_point", limit=300)
        return {"place": text}, None
    if field == "description":
        if len(text) > MAX_DESCRIPTION:
            return {}, t("newaction.bad_description", limit=MAX_DESCRIPTION)
        return {"description": "" if text == "-" else text}, None
    zone = proposal.timezone
    reading = parse_time(text, zone, context.now())
    if isinstance(reading, Refused):
        hint = local_time(reading.suggestion, zone, t.language) if reading.suggestion else ""
        return {}, t(REFUSALS[reading.reason], suggestion=hint, timezone=zone)
    if isinstance(reading, Ambiguous):
        return {}, t(AMBIGUITIES[reading.reason]) + "\n" + t("proposal.be_precise")
    assert isinstance(reading, Parsed)
    return {"starts_at": reading.at}, None


def _parse(data: str | None) -> tuple[str, int | None]:
    """``pp:<verb>:<id>`` → (verb, id or None)."""
    parts = [*(data or "").split(":"), "", ""]
    return parts[1], as_id(parts[2])


def reason_conversation() -> ConversationHandler[TurnoutContext]:
    """Reject, then an optional reason for the proposer."""
    return reasoned(
        name="proposal-reason",
        ask=ask_reason,
        ask_pattern=r"^pp:no:\d+$",
        got=got_reason,
        bare=no_reason,
        bare_pattern=r"^pp:bare:\d+$",
        roles=ORGANISERS,
        forget=AWAITING,
        stopped=N_("review.stopped"),
        wait=REASON_WAIT.total_seconds(),
    )


def edit_conversation() -> ConversationHandler[TurnoutContext]:
    """Edit: a field button, then its new value."""
    return conversation_handler(
        entry_points=[
            CallbackQueryHandler(guarded(ask_value, ORGANISERS), pattern=r"^pe:\d+:\w+$")
        ],
        states={
            VALUE: [MessageHandler(filters.TEXT & ~filters.COMMAND, guarded(got_value, ORGANISERS))]
        },
        fallbacks=[CommandHandler("cancel", stopper(N_("edit.stopped"), EDITING))],
        name="proposal-edit",
        allow_reentry=True,
        conversation_timeout=REASON_WAIT.total_seconds(),
    )
