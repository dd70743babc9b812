"""Edit a proposal before deciding it: which field, then its new value. A proposal is not
public yet, so the change is made as soon as it is typed (and audited). A new start keeps the
duration; a new end is an end time or how long it lasts from the start."""

from __future__ import annotations

from pydantic import BaseModel
from telegram import Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Outcome, Stay, Step, Turn
from turnout.handlers.common.replies import reply
from turnout.i18n import N_
from turnout.scheduler.timeparse import Ambiguous, Parsed, parse_time
from turnout.usecases import fields, proposals
from turnout.usecases.actions import NewDescription, NewEnd, NewPlace, NewTime, NewTitle
from turnout.usecases.fields import Spot
from turnout.usecases.proposals import ProposalChange
from turnout.views.buttons import EditProposalField, ProposalField
from turnout.views.proposals import edit_fields, notice
from turnout.views.reply import Reply
from turnout.views.timefmt import AMBIGUITIES, refusal, zone_label

PROMPTS = {
    ProposalField.TITLE: N_("edit.ask.title"),
    ProposalField.TIME: N_("edit.ask.time"),
    ProposalField.END: N_("end.ask_edit"),
    ProposalField.PLACE: N_("propose.ask_meeting_point"),
    ProposalField.DESCRIPTION: N_("edit.ask.description"),
}


class ProposalEditDraft(BaseModel):
    proposal: int
    field: ProposalField
    timezone: str


async def choose_field(update: Update, context: TurnoutContext, proposal_id: int) -> None:
    """Which field to change."""
    query = update.callback_query
    assert query is not None
    proposal = await proposals.pending_one(context.services, query.from_user.id, proposal_id)
    await query.answer()
    await reply(update, edit_fields(context.t, proposal.id))


async def field_button(update: Update, context: TurnoutContext, data: EditProposalField) -> None:
    assert update.effective_user is not None
    s, user_id = context.services, update.effective_user.id
    proposal = await proposals.pending_one(s, user_id, data.proposal)
    draft = ProposalEditDraft(proposal=proposal.id, field=data.field, timezone=proposal.timezone)
    await prompts.start(update, context, PROPOSAL_EDIT, draft)


Turn_ = Turn[ProposalEditDraft]


async def ask_value(turn: Turn_) -> Reply:
    return Reply(turn.t(PROMPTS[turn.draft.field], timezone=zone_label(turn.draft.timezone)))


async def got_value(turn: Turn_, text: str) -> Outcome:
    draft, t = turn.draft, turn.t
    change: ProposalChange
    match draft.field:
        case ProposalField.TITLE:
            change = NewTitle(fields.title(text))
        case ProposalField.PLACE:
            change = NewPlace(Spot(fields.place_name(text)))
        case ProposalField.DESCRIPTION:
            change = NewDescription(fields.description(text, dash_clears=True))
        case ProposalField.TIME:
            reading = parse_time(text, draft.timezone, turn.context.now())
            if isinstance(reading, Ambiguous):
                return Stay(t(AMBIGUITIES[reading.reason]) + "\n" + t("proposal.be_precise"))
            if not isinstance(reading, Parsed):
                return Stay(refusal(t, reading, draft.timezone))
            change = NewTime(reading.at)
        case ProposalField.END:
            proposal = await proposals.pending_one(turn.services, turn.user_id, draft.proposal)
            change = NewEnd(fields.end(text, proposal.starts_at, draft.timezone))
    updated = await proposals.edit(turn.services, turn.user_id, draft.proposal, change)
    await turn.say(t("edit.saved"))
    await turn.say(notice(t, updated, await proposals.who(turn.services, updated)))
    return End()


PROPOSAL_EDIT = Flow(
    "proposal_edit",
    ProposalEditDraft,
    {"value": Step(N_("expects.new_value"), ask_value, text=got_value)},
    cancelled=N_("edit.stopped"),
)
