"""Calls to action: publishing one now or later, and editing, deleting or calling off one
already out. Every copy goes through the outbox, one row per chat and part, so publishing twice
(a retry, a restart) posts nothing twice; a call is published and its copies queued in one
transaction. Each copy speaks the reader's language: channels the bot's default, subscribers
their own (only the buttons differ)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from turnout.delivery import Payload
from turnout.delivery.stars import Estimate
from turnout.i18n import Translator
from turnout.permissions import BROADCASTERS, allowed
from turnout.storage import Call, CallStatus, NewCall, carried
from turnout.storage.calls import Copies
from turnout.storage.purposes import (
    CallCopy,
    CallDeletion,
    CallEdit,
    CallHeld,
    CallPart,
    Purpose,
    stamp,
)
from turnout.usecases import approvals, paid
from turnout.usecases.admins import require_admin
from turnout.usecases.errors import Declined, Gone, Invalid, NotAllowed
from turnout.usecases.services import Services
from turnout.usecases.telling import tell_each
from turnout.views.calls import call_parts, held, parts_in, text_part, went_out

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reach:
    """Where a call's copies are: the channels by title, and how many subscribers."""

    channels: tuple[str, ...]
    subscribers: int

    @property
    def total(self) -> int:
        return len(self.channels) + self.subscribers


def as_call(new: NewCall, author: int, now: datetime) -> Call:
    """A call not stored yet, as it will be posted (for the preview)."""
    return carried(
        Call, new, id=0, author=author, status=CallStatus.DRAFT, publish_at=None, created_at=now
    )


def preview(s: Services, new: NewCall, author: int) -> list[Payload]:
    """The messages the call is posted as, exactly (channels read the default language)."""
    t = s.translator(s.catalogs.default_language)
    return [payload for _, payload in call_parts(as_call(new, author, s.now()), t, s.bot_username)]


async def check(s: Services, actor: int, new: NewCall) -> None:
    """Why the call cannot go out, if anything: roles, somewhere to go, admin rights in every
    target channel (asked of Telegram now), and, when it needs a second person's approval,
    someone else to give it."""
    if not allowed(await s.roles_of(actor), BROADCASTERS):
        raise NotAllowed()
    if not new.targets and not new.to_subscribers:
        raise Invalid("newcall.nowhere")
    await require_admin(s, actor, new.targets)
    if await approvals.needed(s, new):
        await approvals.require_approvers(s, actor)


async def copy_count(s: Services, new: NewCall | Call) -> int:
    """How many messages the call goes out as: each of its parts to each channel and each
    subscriber (what a paid broadcast pays for)."""
    call = new if isinstance(new, Call) else as_call(new, 0, s.now())
    parts = call_parts(call, s.translator(None), s.bot_username)
    # An album is as many messages as it has items, and Telegram charges each.
    per_chat = sum(len(payload.media) if payload.is_album else 1 for _, payload in parts)
    return per_chat * (len(call.targets) + await approvals.subscriber_count(s, call))


async def offers_paid(s: Services, new: NewCall) -> bool:
    """Whether the author is offered the paid rate before the call goes out: one is
    configured, and the call is large enough for it to matter (``usecases.paid.worth``)."""
    return paid.worth(s, await copy_count(s, new))


async def paid_offer(s: Services, actor: int, new: NewCall) -> paid.Offer | None:
    """The card the author sees before a large call goes out: its cost in Stars and the bot's
    balance now (``usecases.paid.offer``); None without a paid rate configured."""
    if not allowed(await s.roles_of(actor), BROADCASTERS):
        raise NotAllowed()
    return await paid.offer(s, await copy_count(s, new))


def _as_chosen(s: Services, new: NewCall) -> NewCall:
    """A call chosen paid stays paid only while a paid rate is configured (it may have been
    switched off while its author looked at the card)."""
    return new if s.settings.paid_broadcast_rate is not None else replace(new, paid=False)


async def _estimate(s: Services, new: NewCall) -> Estimate | None:
    """What a paid call is estimated to cost, for its approvers' question; None if free."""
    return paid.estimated(s, await copy_count(s, new)) if new.paid else None


async def publish_now(s: Services, actor: int, new: NewCall) -> tuple[Call, CallCopy | None]:
    """Publish at once; return the call and the purpose whose progress the author watches.
    A call the two-person rule applies to waits for approval instead (no purpose then). A
    call chosen paid (``new.paid``) starts as a paid broadcast."""
    await check(s, actor, new)
    new = _as_chosen(s, new)
    if await approvals.needed(s, new):
        estimate = await _estimate(s, new)
        return await approvals.request_publication(s, actor, new, None, paid=estimate), None
    now = s.now()
    copies, last = await copies_of(s, as_call(new, actor, now))
    start = await paid.start(s, actor, count(copies)) if new.paid else None
    call = await s.store.create_call(
        actor, new, CallStatus.PUBLISHED, None, now, copies, paid=start
    )
    s.outbox.wake()
    return call, CallCopy(call.id, last)


async def schedule(s: Services, actor: int, new: NewCall, at: datetime) -> Call:
    """Publish at ``at``; the scheduler does it then (``publish_due``). A call the two-person
    rule applies to waits for approval first (``CallStatus.AWAITING``). Chosen paid, it goes
    out as a paid broadcast then."""
    await check(s, actor, new)
    new = _as_chosen(s, new)
    now = s.now()
    if at <= now:
        raise Invalid("time.past")
    if await approvals.needed(s, new):
        return await approvals.request_publication(s, actor, new, at, paid=await _estimate(s, new))
    call = await s.store.create_call(actor, new, CallStatus.SCHEDULED, at, now)
    await s.hooks.planner_changed()
    return call


async def publish_due(s: Services) -> int:
    """Publish the scheduled calls whose time has come; return how many went out. Those whose
    time came while they still waited for approval do not go out: their authors are told."""
    for waiting in await s.store.due_awaiting_calls(s.now()):
        await approvals.missed(s, waiting)
    published = 0
    for call in await s.store.due_calls(s.now()):
        why = await why_not(s, call, call.author) or await _unapproved(s, call)
        if why is not None:
            await _hold(s, call, why)
            continue
        copies, _ = await copies_of(s, call)
        told = [(call.author, Payload(await _went_out(s, call, copies)).to_json())]
        start = await paid.start(s, call.author, count(copies)) if call.paid else None
        # Only if it is still scheduled: a schedule called off at this moment stays off.
        if await s.store.publish_scheduled_call(call.id, copies, s.now(), told, paid=start):
            published += 1
            log.info("scheduled call %d published", call.id)
    if published:
        s.outbox.wake()
    return published


async def _went_out(s: Services, call: Call, copies: Copies) -> str:
    """What the author of a scheduled call is told when it falls due, in their language."""
    titles = []
    for chat_id in call.targets:
        channel = await s.store.channel(chat_id)
        titles.append(channel.title if channel else str(chat_id))
    subscribers = len({chat for _, messages in copies for chat, _ in messages if chat > 0})
    return went_out(await s.translator_of(call.author), call.id, titles, subscribers)


async def why_not(s: Services, call: Call, who: int) -> Callable[[Translator], str] | None:
    """Why ``who`` (the author of a due call, or whoever asked for an approval just given) may
    not publish or change it now (their role and their rights in its channels, again: either
    may have gone since they asked); None if they may."""
    if not allowed(await s.roles_of(who), BROADCASTERS):
        return lambda t: t("calls.held_role")
    try:
        await require_admin(s, who, await touched(s, call))
    except Declined as refused:
        title = refused.params.get("title")
        return lambda t: t("calls.held_admin", title=title)
    return None


async def _unapproved(s: Services, call: Call) -> Callable[[Translator], str] | None:
    """A call scheduled without approval whom the two-person rule covers now that it is due:
    the rule was switched on since, or its subscribers grew past the rule's number. It waits
    for nobody's approval any more, so it does not go out (the author may publish it again)."""
    if not await approvals.needed(s, call) or await s.store.call_approver(call.id) is not None:
        return None
    return lambda t: t("approval.rule_now")


async def _hold(s: Services, call: Call, why: Callable[[Translator], str]) -> None:
    """A due call whose author lost the broadcaster role, or the rights in one of its channels,
    since scheduling it: not published, back to a draft, and its author and the owners are told
    why (they may publish it themselves)."""
    if not await s.store.set_call_status(
        call.id, CallStatus.DRAFT, None, s.now(), expected=CallStatus.SCHEDULED
    ):
        return
    log.info("scheduled call %d held: its author may not publish it any more", call.id)
    people = sorted({call.author, *s.settings.owner_ids})
    await tell_each(s, CallHeld(call.id), people, lambda t: Payload(held(t, call.id, why(t))))
    s.outbox.wake()


async def touched(s: Services, call: Call) -> list[int]:
    """The chats a change to ``call`` reaches: its channels, but those the bot lost (it can
    change nothing there). One unlinked since stays: the bot may still be able to act there."""
    chats = []
    for chat_id in call.targets:
        channel = await s.store.channel(chat_id)
        if channel is None or channel.can_post:
            chats.append(chat_id)
    return chats


def count(copies: Copies) -> int:
    """How many messages ``copies`` are, every part to every chat."""
    return sum(len(messages) for _, messages in copies)


async def copies_of(s: Services, call: Call) -> tuple[Copies, CallPart]:
    """Every copy of ``call``: each part to each target channel and each subscriber, in the
    reader's language; and the last part (whose progress shows that all went out)."""
    catalogs = s.catalogs
    default = catalogs.default_language
    subscribers = await s.store.subscribers() if call.to_subscribers else []
    languages = {default} | {catalogs.resolve(person.language) for person in subscribers}
    by_language = parts_in(
        call, {language: catalogs.translator(language) for language in languages}, s.bot_username
    )
    parts = by_language[default]
    copies = []
    for index, (part, payload) in enumerate(parts):
        messages = [(chat, payload.to_json()) for chat in call.targets]
        messages += [
            (person.user_id, by_language[catalogs.resolve(person.language)][index][1].to_json())
            for person in subscribers
        ]
        copies.append((part, messages))
    log.info("call %d: %d parts to %d channels and %d subscribers", call.id, len(parts),
             len(call.targets), len(subscribers))  # fmt: skip
    return copies, parts[-1][0]


@dataclass(frozen=True, slots=True)
class Recent:
    """/calls: the recent calls, how many chats each reached, and which have a new text
    waiting for approval."""

    calls: list[Call]
    sent: dict[int, int]
    edits_waiting: set[int]


async def recent(s: Services, limit: int = 10) -> Recent:
    calls = await s.store.recent_calls(limit)
    ids = [call.id for call in calls]
    return Recent(calls, await s.store.call_copy_counts(ids), await s.store.pending_edits(ids))


async def editable(s: Services, actor: int, call_id: int) -> Call:
    """A published call that ``actor`` may change."""
    if not allowed(await s.roles_of(actor), BROADCASTERS):
        raise NotAllowed()
    call = await s.store.call(call_id)
    if call is None or call.status is not CallStatus.PUBLISHED:
        raise Gone("calls.gone")
    await require_admin(s, actor, await touched(s, call))
    return call


def edited(s: Services, call: Call, text: str, entities: Sequence[object]) -> Call:
    """The call with a new text, checked: it must keep its layout (a text that moves from a
    caption to a message of its own, or back, cannot be edited in place)."""
    if not text.strip():
        raise Invalid("calls.ask_text", id=call.id)
    after = replace(call, text=text, entities=json.dumps(list(entities)))
    t = s.translator(s.catalogs.default_language)
    before_parts = [name for name, _ in call_parts(call, t, s.bot_username)]
    after_parts = [name for name, _ in call_parts(after, t, s.bot_username)]
    if before_parts != after_parts:
        raise Invalid("calls.layout_changed")
    return after


async def reach(s: Services, call: Call) -> Reach:
    """Where the copies of a call's text are (sent or still queued)."""
    found = text_part(call_parts(call, s.translator(None), s.bot_username))
    if found is None:
        return Reach((), 0)
    purpose = CallCopy(call.id, found[0])
    chats = [copy.chat_id for copy in await s.store.sent_copies(purpose)]
    chats += await s.store.pending_chats(purpose)
    titles = []
    for chat in sorted({chat for chat in chats if chat < 0}):
        channel = await s.store.channel(chat)
        titles.append(channel.title if channel else str(chat))
    return Reach(tuple(sorted(titles, key=str.casefold)), len({c for c in chats if c > 0}))


async def edit_needs_approval(s: Services, call: Call) -> Reach | None:
    """Where a change of ``call`` reaches, when the two-person rule applies to it; else None."""
    if not s.settings.broadcast_approval.enabled:
        return None
    where = await reach(s, call)
    return where if approvals.applies(s, len(where.channels), where.subscribers) else None


async def edit_text(
    s: Services, actor: int, call_id: int, text: str, entities: Sequence[object]
) -> tuple[int, Purpose] | None:
    """Replace the text of every copy (the message, or the caption it is in); return how many
    copies already sent are being edited, and the purpose whose progress shows it. None when
    the two-person rule applies: the new text waits for a second person's approval."""
    call = await editable(s, actor, call_id)
    after = edited(s, call, text, entities)
    where = await edit_needs_approval(s, call)
    if where is not None:
        await approvals.request_edit(s, actor, call, after, where.channels, where.subscribers)
        return None
    now = s.now()
    if not await s.store.edit_call_text(call.id, after.text, after.entities, actor, now):
        raise Gone("calls.gone")  # deleted meanwhile
    return await edit_everywhere(s, after)


async def edit_everywhere(s: Services, call: Call) -> tuple[int, Purpose]:
    """Edit the copies already sent; give those still queued the new text. Each copy in the
    language it went out in: the default in channels, the subscriber's own in private."""
    catalogs = s.catalogs
    default = catalogs.default_language
    edit = CallEdit(call.id, stamp(s.now()))
    found = text_part(call_parts(call, catalogs.translator(default), s.bot_username))
    if found is None:
        return 0, edit
    part = found[0]
    purpose = CallCopy(call.id, part)
    now = s.now()
    copies = await s.store.sent_copies(purpose)
    pending = await s.store.pending_chats(purpose)
    languages = await s.store.languages_of(
        [chat for chat in (*pending, *(copy.chat_id for copy in copies)) if chat > 0]
    )

    def language(chat: int) -> str:
        return catalogs.resolve(languages.get(chat, default))

    wanted = {default} | {language(chat) for chat in languages}
    payloads = {
        lang: dict(parts)[part]
        for lang, parts in parts_in(
            call, {lang: catalogs.translator(lang) for lang in wanted}, s.bot_username
        ).items()
    }
    for lang, payload in payloads.items():
        chats = [chat for chat in pending if language(chat) == lang]
        if chats:
            await s.store.rewrite_pending(purpose, payload.to_json(), now, chats)
    edits = [
        (copy.chat_id, replace(payloads[language(copy.chat_id)], edit_of=copy.message_ids[0]))
        for copy in copies
        if copy.message_ids
    ]
    await s.outbox.enqueue(edit, edits)
    return len(edits), edit


async def delete(s: Services, actor: int, call_id: int) -> tuple[int, Purpose]:
    """Delete every copy of a published call; return in how many chats, and the purpose whose
    progress shows it."""
    call = await editable(s, actor, call_id)
    deleted = await s.store.delete_call(
        call.id, lambda ids: Payload(delete=ids).to_json(), actor, s.now()
    )
    if deleted.outcome == "sending":
        raise Declined("calls.still_sending")
    if deleted.outcome == "gone":
        raise Gone("calls.gone")
    s.outbox.wake()
    return deleted.chats, CallDeletion(call.id)


async def unschedule(s: Services, actor: int, call_id: int) -> CallStatus:
    """Call off a scheduled call, or one still waiting for approval (its request is then out
    of date); it stays a draft, never published. Returns what it was."""
    if not allowed(await s.roles_of(actor), BROADCASTERS):
        raise NotAllowed()
    call = await s.store.call(call_id)
    if call is None or call.status not in (CallStatus.SCHEDULED, CallStatus.AWAITING):
        raise Gone("calls.gone")
    await require_admin(s, actor, await touched(s, call))
    if not await s.store.set_call_status(
        call_id, CallStatus.DRAFT, actor, s.now(), expected=call.status
    ):
        raise Gone("calls.gone")
    return call.status
