"""The two-person rule for broadcasts, asking: which calls need a second person's approval
(``TURNOUT_BROADCAST_APPROVAL``), and the request to every other broadcaster and organiser,
showing exactly what will be posted where. Deciding is ``usecases.approving``.

A call the rule applies to waits (``CallStatus.AWAITING``); an edit of a published call waits
beside it, in its request. The request's messages are queued in the transaction that stores
it, so a crash cannot leave a call waiting for a question nobody was asked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from turnout.delivery import Payload
from turnout.delivery.stars import Estimate
from turnout.i18n import Translator
from turnout.permissions import BROADCASTERS, ORGANISERS
from turnout.storage import Call, NewCall, Role
from turnout.storage.approvals import Asks, CallApproval
from turnout.storage.purposes import ApprovalRequest
from turnout.usecases.errors import Declined, Gone
from turnout.usecases.services import Services
from turnout.views.approvals import Asked, question
from turnout.views.calls import call_parts

log = logging.getLogger(__name__)

#: Who may approve a call: a broadcaster or an organiser (or an owner), never its requester.
APPROVERS = BROADCASTERS | ORGANISERS


def applies(s: Services, channels: int, subscribers: int) -> bool:
    """Whether a call to ``channels`` linked channels and ``subscribers`` subscribers needs a
    second person's approval."""
    rule = s.settings.broadcast_approval
    return rule.enabled and rule.applies(channels=channels, subscribers=subscribers)


async def subscriber_count(s: Services, new: NewCall | Call) -> int:
    """How many subscribers a call reaches now (none unless it goes to subscribers)."""
    return len(await s.store.subscribers()) if new.to_subscribers else 0


async def needed(s: Services, new: NewCall | Call) -> bool:
    """Whether this call, new or due, needs a second person's approval before it goes out."""
    if not s.settings.broadcast_approval.enabled:
        return False
    return applies(s, len(new.targets), await subscriber_count(s, new))


async def approvers(s: Services, requester: int) -> list[int]:
    """Every current broadcaster, organiser and owner but ``requester``."""
    people = {
        grant.user_id
        for grant in await s.store.role_holders()
        if grant.role in (Role.BROADCASTER, Role.ORGANISER)
    }
    people |= set(s.settings.owner_ids)
    people.discard(requester)
    return sorted(people)


async def require_approvers(s: Services, requester: int) -> None:
    """Refuse a call that needs approval when nobody else could give it: it would wait for
    ever."""
    if not await approvers(s, requester):
        raise Declined("approval.nobody")


async def titles(s: Services, chats: Sequence[int]) -> tuple[str, ...]:
    """The channels' titles, as the approvers will read where the call goes."""
    found = []
    for chat_id in chats:
        channel = await s.store.channel(chat_id)
        found.append(channel.title if channel else str(chat_id))
    return tuple(found)


async def request_publication(
    s: Services, author: int, new: NewCall, at: datetime | None, *, paid: Estimate | None = None
) -> Call:
    """Store the call as waiting for approval (to go now on approval, or at ``at``), and ask
    every other broadcaster and organiser, showing it exactly as it will be posted. ``paid``:
    its author chose to pay (what it is estimated to cost), which the question says."""
    await require_approvers(s, author)
    subscribers = await subscriber_count(s, new)
    channels = await titles(s, new.targets)
    asks = await _asker(s, author)

    def render(request: CallApproval, call: Call) -> Asks:
        asked = Asked(
            request.id, call.id, asks.name, channels, subscribers, new.to_subscribers, at,
            paid=paid,
        )  # fmt: skip
        return asks.render(request.id, call, asked, edit=False)

    call, request = await s.store.create_awaiting_call(author, new, at, s.now(), render)
    log.info("call %d waits for approval (request %d)", call.id, request.id)
    s.outbox.wake()
    if at is not None:
        await s.hooks.planner_changed()  # unapproved at its time, it goes back to its author
    return call


async def request_edit(
    s: Services,
    actor: int,
    call: Call,
    after: Call,
    channels: Sequence[str],
    subscribers: int,
) -> CallApproval:
    """Keep ``after`` (a new text of the published ``call``) until a second person approves
    it; ask every other broadcaster and organiser, showing the new text as it will read."""
    await require_approvers(s, actor)
    asks = await _asker(s, actor)

    def render(request: CallApproval) -> Asks:
        asked = Asked(
            request.id, call.id, asks.name, channels, subscribers, bool(subscribers), None,
            call.text,
        )  # fmt: skip
        return asks.render(request.id, after, asked, edit=True)

    request = await s.store.request_edit(
        call.id, actor, after.text, after.entities, s.now(), render
    )
    if request is None:
        raise Gone("calls.gone")  # deleted meanwhile
    log.info("an edit of call %d waits for approval (request %d)", call.id, request.id)
    s.outbox.wake()
    return request


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks, and how each approver reads: what the request's messages are made from."""

    s: Services
    name: str
    readers: Sequence[tuple[int, Translator, str]]
    """Each approver: their chat, their translator, their time zone."""

    def render(self, request: int, call: Call, asked: Asked, *, edit: bool) -> Asks:
        """The call's parts as they will be posted (channels read the default language), then
        the question in each approver's own language and zone."""
        s = self.s
        t = s.translator(s.catalogs.default_language)
        parts = call_parts(call, t, s.bot_username)
        asks: list[tuple[ApprovalRequest, list[tuple[int, str]]]] = []
        for part, payload in parts:
            if edit and not payload.text:
                continue  # an edit changes the text: its media stay as they are
            shown = payload.to_json()
            asks.append(
                (ApprovalRequest(request, part), [(chat, shown) for chat, _, _ in self.readers])
            )
        questions = [
            (chat, question(reader, asked, zone).to_json()) for chat, reader, zone in self.readers
        ]
        asks.append((ApprovalRequest(request, "ask"), questions))
        return asks


async def _asker(s: Services, requester: int) -> Asker:
    member = await s.store.member(requester)
    readers = []
    for person in await approvers(s, requester):
        approver = await s.store.member(person)
        language = approver.language if approver else None
        zone = approver.timezone if approver else s.settings.timezone
        readers.append((person, s.translator(language), zone))
    return Asker(s, member.first_name if member else str(requester), readers)


async def missed(s: Services, call: Call) -> bool:
    """A scheduled call whose time came while it still waited for approval: it does not go
    out, goes back to its author, and they are told."""
    t = await s.translator_of(call.author)
    told = [(call.author, Payload(t("approval.missed", id=call.id)).to_json())]
    if not await s.store.miss_approval(call.id, s.now(), told):
        return False
    log.info("call %d was not approved before its time: not published", call.id)
    s.outbox.wake()
    return True
