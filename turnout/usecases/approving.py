"""The two-person rule for broadcasts, deciding: a second broadcaster or organiser approves or
refuses what they were shown (``usecases.approvals`` asked them).

An approval binds to the request it was given on, and the request to exactly what was shown:
a newer edit, a withdrawal, a deletion or the call's time passing make the request out of date,
and a press on its buttons then changes nothing and says why. The roles are checked at the
press (the approver's), and the requester's right to publish again (it may have gone since).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from turnout.delivery import Payload
from turnout.i18n import N_, Translator
from turnout.permissions import allowed
from turnout.storage import Call, CallStatus
from turnout.storage.approvals import ApprovalKind, ApprovalStatus, CallApproval
from turnout.storage.purposes import ApprovalRequest, ApprovalSettled, CallCopy, Purpose
from turnout.usecases import calls, paid
from turnout.usecases.approvals import APPROVERS
from turnout.usecases.errors import Gone, NotAllowed
from turnout.usecases.services import Services
from turnout.views.approvals import settled
from turnout.views.timefmt import local_time

log = logging.getLogger(__name__)

Outcome = Literal["published", "scheduled", "edited", "refused", "void"]

#: What a press on the buttons of a request already settled says.
STALE = {
    ApprovalStatus.APPROVED: N_("approval.stale.approved"),
    ApprovalStatus.REFUSED: N_("approval.stale.refused"),
    ApprovalStatus.VOID: N_("approval.stale.void"),
    ApprovalStatus.MISSED: N_("approval.stale.missed"),
}


@dataclass(frozen=True, slots=True)
class Decided:
    """What came of a decision, for the approver's own message."""

    call: int
    outcome: Outcome
    progress: Purpose | None = None
    """The copies (or their edits) going out now, to follow."""
    copies: int = 0
    """How many sent copies an approved edit changes."""
    publish_at: datetime | None = None
    why: Callable[[Translator], str] | None = None
    """``void``: why the requester may not publish (or change) it any more."""


async def decide(s: Services, actor: int, request_id: int, approve: bool) -> Decided:
    """Approve or refuse request ``request_id`` as ``actor``."""
    if not allowed(await s.roles_of(actor), APPROVERS):
        raise NotAllowed()
    request = await s.store.call_approval(request_id)
    if request is None:
        raise Gone("approval.gone")
    if request.status is not ApprovalStatus.PENDING:
        decider = await _name(s, request.decided_by)
        raise Gone(STALE[request.status], name=decider)
    if request.requested_by == actor:
        raise NotAllowed("approval.own")
    call = await s.store.call(request.call_id)
    if call is None:
        raise Gone("approval.gone")
    name = await _name(s, actor)
    if not approve:
        decided = await _refuse(s, actor, request, call, name)
    else:
        why = await calls.why_not(s, call, request.requested_by)
        if why is not None:
            decided = await _void(s, request, call, why)
        elif request.kind is ApprovalKind.EDIT:
            decided = await _approve_edit(s, actor, request, call, name)
        elif call.publish_at is None:
            decided = await _approve_now(s, actor, request, call, name)
        else:
            decided = await _approve_schedule(s, actor, request, call, name)
    await _settle(s, request, actor, decided.outcome, name)
    return decided


async def _approve_now(
    s: Services, actor: int, request: CallApproval, call: Call, name: str
) -> Decided:
    if call.status is not CallStatus.AWAITING:
        raise Gone("approval.stale.void", name="")
    copies, last = await calls.copies_of(s, call)
    t = await s.translator_of(call.author)
    told = _told(call.author, t("approval.approved_now", name=name, id=call.id))
    # Paid as its author chose (the approver's question said so); its author pays, not them.
    start = await paid.start(s, call.author, calls.count(copies)) if call.paid else None
    if not await s.store.approve_publication(request.id, actor, copies, s.now(), told, paid=start):
        raise Gone("approval.moved_on")
    log.info("call %d approved (request %d): published", call.id, request.id)
    s.outbox.wake()
    return Decided(call.id, "published", CallCopy(call.id, last))


async def _approve_schedule(
    s: Services, actor: int, request: CallApproval, call: Call, name: str
) -> Decided:
    at = call.publish_at
    assert at is not None
    if at <= s.now():
        # Its time came first: the planner settles it (not published, its author told).
        await s.hooks.planner_changed()
        raise Gone("approval.too_late")
    author = await s.store.member(call.author)
    t = s.translator(author.language if author else None)
    zone = author.timezone if author else s.settings.timezone
    time = local_time(at, zone, t.language)
    told = _told(call.author, t("approval.approved_later", name=name, id=call.id, time=time))
    if not await s.store.approve_schedule(request.id, actor, s.now(), told):
        raise Gone("approval.moved_on")
    log.info("call %d approved (request %d): goes at its time", call.id, request.id)
    s.outbox.wake()
    return Decided(call.id, "scheduled", publish_at=at)


async def _approve_edit(
    s: Services, actor: int, request: CallApproval, call: Call, name: str
) -> Decided:
    if call.status is not CallStatus.PUBLISHED or request.text is None:
        raise Gone("calls.gone")
    after = calls.edited(s, call, request.text, _entities(request))
    t = await s.translator_of(request.requested_by)
    told = _told(request.requested_by, t("approval.edit_approved", name=name, id=call.id))
    if await s.store.approve_edit(request.id, actor, s.now(), told) is None:
        raise Gone("approval.moved_on")
    log.info("new text of call %d approved (request %d)", call.id, request.id)
    count, purpose = await calls.edit_everywhere(s, after)
    s.outbox.wake()
    return Decided(call.id, "edited", purpose, count)


async def _refuse(s: Services, actor: int, request: CallApproval, call: Call, name: str) -> Decided:
    t = await s.translator_of(request.requested_by)
    key = N_("approval.edit_refused" if request.kind is ApprovalKind.EDIT else "approval.refused")
    told = _told(request.requested_by, t(key, name=name, id=call.id))
    if await s.store.refuse_approval(request.id, actor, s.now(), told) is None:
        raise Gone("approval.moved_on")
    log.info("call %d refused (request %d)", call.id, request.id)
    s.outbox.wake()
    return Decided(call.id, "refused")


async def _void(
    s: Services, request: CallApproval, call: Call, why: Callable[[Translator], str]
) -> Decided:
    """Approved, but whoever asked may no longer publish (or change) the call: it does not go,
    and they and the owners are told why (as when a scheduled call is held)."""
    people = sorted({request.requested_by, *s.settings.owner_ids})
    languages = await s.store.languages_of(people)
    key = N_("approval.edit_void" if request.kind is ApprovalKind.EDIT else "approval.void")
    told = []
    for person in people:
        t = s.translator(languages.get(person))
        told.append((person, Payload(t(key, id=call.id, why=why(t))).to_json()))
    if not await s.store.drop_approval(request.id, ApprovalStatus.VOID, s.now(), told):
        raise Gone("approval.moved_on")
    log.info("call %d: request %d void, its requester may not publish", call.id, request.id)
    s.outbox.wake()
    return Decided(call.id, "void", why=why)


async def _settle(
    s: Services, request: CallApproval, actor: int, outcome: Outcome, name: str
) -> None:
    """The other approvers' questions say who decided, without their buttons (the one who
    pressed sees theirs changed at once): those still queued are sent that way, those sent
    are edited."""
    if outcome == "void":
        return
    ask = ApprovalRequest(request.id, "ask")
    approved = outcome != "refused"

    def text(t: Translator) -> str:
        return settled(t, request.call_id, approved, name)

    pending = await s.store.pending_chats(ask)
    sent = [
        copy
        for copy in await s.store.sent_copies(ask)
        if copy.chat_id != actor and copy.message_ids
    ]
    languages = await s.store.languages_of([*pending, *(copy.chat_id for copy in sent)])
    now = s.now()
    for language in {languages.get(chat) for chat in pending}:
        chats = [chat for chat in pending if languages.get(chat) == language]
        await s.store.rewrite_pending(
            ask, Payload(text(s.translator(language))).to_json(), now, chats
        )
    edits = [
        (
            copy.chat_id,
            Payload(text(s.translator(languages.get(copy.chat_id))), edit_of=copy.message_ids[0]),
        )
        for copy in sent
    ]
    if edits:
        await s.outbox.enqueue(ApprovalSettled(request.id), edits)


async def _name(s: Services, person: int | None) -> str:
    member = None if person is None else await s.store.member(person)
    return member.first_name if member is not None else "—"


def _told(person: int, text: str) -> list[tuple[int, str]]:
    return [(person, Payload(text).to_json())]


def _entities(request: CallApproval) -> list[object]:
    return list(json.loads(request.entities or "[]"))
