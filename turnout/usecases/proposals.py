"""Local actions proposed by members: submitting one, the organisers' decisions, and telling
the proposer. A trusted host's proposal is published at once; any other waits for an organiser,
and the first decision counts. Every step is audited by the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from turnout.delivery import Payload
from turnout.i18n import Translator
from turnout.permissions import ORGANISERS, allowed
from turnout.pseudonym import shown_as
from turnout.scheduler.reminders import plan_reminders
from turnout.storage import NewAction, Proposal, ProposalOutcome, ProposalStatus, Role
from turnout.storage.purposes import ProposalDecided, ProposalNotice
from turnout.usecases.actions import NewDescription, NewEnd, NewPlace, NewTime, NewTitle
from turnout.usecases.errors import Declined, Gone, Invalid, NotAllowed
from turnout.usecases.fields import check_end
from turnout.usecases.services import Services
from turnout.usecases.telling import tell, tell_each
from turnout.views.links import Link, deep_link
from turnout.views.proposals import notice

ProposalChange = NewTitle | NewDescription | NewPlace | NewTime | NewEnd


def default_minutes(s: Services) -> tuple[int, ...]:
    """A proposed action's reminders: the bot's default offsets."""
    return tuple(int(o.total_seconds() // 60) for o in s.settings.reminder_offsets)


async def submit(
    s: Services, proposer: int, new: NewAction, expected: int | None
) -> ProposalOutcome:
    """Propose ``new`` (hosted by ``proposer``, reminded at the default offsets)."""
    now = s.now()
    await may_propose(s, proposer)
    if new.starts_at <= now:
        raise Invalid("time.past")
    check_end(new.starts_at, new.end)
    new = replace(new, host_id=proposer, reminder_minutes=default_minutes(s))
    outcome = await s.store.submit_proposal(new, expected, _planner(now), now)
    if outcome.action is not None:
        await s.hooks.planner_changed()
        await s.hooks.roles_changed(proposer)  # a host now: /review in their menu
    else:
        await announce(s, outcome.proposal)
    return outcome


async def may_propose(s: Services, proposer: int) -> None:
    """At most ``TURNOUT_PROPOSAL_RATE`` proposals a day per member: each one is a notice to
    every organiser. Checked when /propose starts (no form filled in vain) and when sent."""
    made = await s.store.proposals_since(proposer, s.now() - timedelta(days=1))
    if made >= s.settings.proposal_rate:
        raise Declined("propose.rate_limited", count=s.settings.proposal_rate)


async def approve(s: Services, actor: int, proposal_id: int, *, trust: bool) -> ProposalOutcome:
    """Publish a proposal as an action its proposer hosts (and, with ``trust``, let them
    publish directly from now on)."""
    await _organiser(s, actor)
    now = s.now()
    waiting = await s.store.proposal(proposal_id)
    if waiting is None:
        raise Gone("proposal.gone")
    if waiting.status is ProposalStatus.PENDING and waiting.starts_at <= now:
        raise Invalid("proposal.past")  # it waited too long: an action in the past helps nobody
    outcome = await s.store.approve_proposal(
        proposal_id, actor, default_minutes(s), _planner(now), now, trust=trust
    )
    if outcome is None:
        raise Gone("proposal.gone")
    if outcome.decided:
        await s.hooks.planner_changed()
        await s.hooks.roles_changed(outcome.proposal.proposer_id)  # a host now: /review
        await _tell_proposer(s, outcome)
    return outcome


async def reject(s: Services, actor: int, proposal_id: int, reason: str | None) -> ProposalOutcome:
    """Turn a proposal down; the proposer is told, with the reason if there is one."""
    await _organiser(s, actor)
    outcome = await s.store.reject_proposal(proposal_id, actor, reason, s.now())
    if outcome is None:
        raise Gone("proposal.gone")
    if outcome.decided:
        await _tell_proposer(s, outcome)
    return outcome


async def edit(s: Services, actor: int, proposal_id: int, change: ProposalChange) -> Proposal:
    """Change a field of a proposal still waiting, before deciding it. A new start keeps the
    duration."""
    await _organiser(s, actor)
    values: dict[str, object]
    match change:
        case NewTitle(title):
            values = {"title": title}
        case NewDescription(description):
            values = {"description": description}
        case NewPlace(spot):
            values = {"place": spot.place or ""}
        case NewTime(starts_at):
            if starts_at <= s.now():
                raise Invalid("time.past")
            values = {"starts_at": starts_at}
        case NewEnd(ends_at):
            check_end((await pending_one(s, actor, proposal_id)).starts_at, ends_at)
            values = {"ends_at": ends_at}
    updated = await s.store.edit_proposal(proposal_id, values, actor, s.now())
    if updated is None:
        raise Gone("proposal.gone")
    return updated


async def pending_one(s: Services, actor: int, proposal_id: int) -> Proposal:
    """A proposal still waiting for a decision, that ``actor`` may decide or change."""
    await _organiser(s, actor)
    proposal = await s.store.proposal(proposal_id)
    if proposal is None:
        raise Gone("proposal.gone")
    if proposal.status is not ProposalStatus.PENDING:
        raise Gone("proposal.already_decided")
    return proposal


async def pending(s: Services, actor: int, limit: int) -> list[Proposal]:
    await _organiser(s, actor)
    return await s.store.pending_proposals(limit)


async def who(s: Services, proposal: Proposal) -> str:
    """The proposer as organisers see them: a pseudonym, and their name only if they chose."""
    member = await s.store.member(proposal.proposer_id)
    name = member.first_name if member is not None and member.show_name else None
    return shown_as(await s.store.pseudonym_key(), proposal.proposer_id, name)


async def announce(s: Services, proposal: Proposal) -> None:
    """The notice to the review chat if there is one, else to every organiser and owner, each
    in their language."""
    shown = await who(s, proposal)
    purpose = ProposalNotice(proposal.id)

    def render(t: Translator) -> Payload:
        return notice(t, proposal, shown).to_payload()

    if s.settings.review_chat_id is not None:
        messages = [(s.settings.review_chat_id, render(s.translator(None)))]
        await s.outbox.enqueue(purpose, messages)
        return
    staff = {
        grant.user_id for grant in await s.store.role_holders() if grant.role is Role.ORGANISER
    }
    staff |= set(s.settings.owner_ids)
    await tell_each(s, purpose, sorted(staff), render)


async def _tell_proposer(s: Services, outcome: ProposalOutcome) -> None:
    proposal, action = outcome.proposal, outcome.action

    def render(t: Translator) -> str:
        if action is not None:
            link = deep_link(s.bot_username, Link("act", action.id))
            return t("proposal.you_approved", title=proposal.title, link=link)
        text = t("proposal.you_rejected", title=proposal.title)
        if proposal.reason:
            text += "\n" + t("proposal.reason", reason=proposal.reason)
        return text

    await tell(s, ProposalDecided(proposal.id), proposal.proposer_id, render)


async def _organiser(s: Services, actor: int) -> None:
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()


def _planner(now: datetime) -> Callable[[NewAction], list[tuple[int, datetime]]]:
    """The reminders of an action about to be created, from its time and offsets."""
    return lambda action: plan_reminders(action.starts_at, action.reminder_minutes, now)
