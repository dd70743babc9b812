"""Owners see the sensitive moves (README, "Owners see the sensitive moves").

A role granted or taken away, an invite used, a chat linked or unlinked, an urgent alert, an
export, a call published (or a published call changed) with no second approval, a paid broadcast
(and the bot's Stars running out during one): each is in the audit log, written in the same
transaction as the move itself, and the sweep here turns every new entry of those kinds into a
private message to each owner, through the outbox. The sweep
queues the messages and moves its cursor on in one transaction (``Store.tell_owners``), so a move
is told exactly once, whoever made it: the bot, the command line in another process, or anyone
while the bot was down. A stolen account shows itself on the owners' phones within seconds.

With ``TURNOUT_OWNER_NOTICES=off`` the sweep tells nobody but still moves the cursor, so turning
the notices on later does not bring the whole history at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from turnout.delivery import Payload
from turnout.storage import AsIs, Audience, Role, StorageError
from turnout.storage.ownernotices import UntoldMoves
from turnout.storage.purposes import OwnerNotice
from turnout.storage.records import AuditEntry
from turnout.usecases.services import Services
from turnout.views.owners import (
    COMMAND_LINE,
    ActionCancelled,
    AlertSent,
    CallOut,
    ChannelMoved,
    Exported,
    InviteUsed,
    Move,
    PaidRanOut,
    PaidStarted,
    ReportOut,
    RoleMoved,
    Unreadable,
    What,
    Who,
    owner_notice,
)

log = logging.getLogger(__name__)

#: The audit entries owners are told of (``write_audit``'s names for them). A call's entries
#: count only without a second approval (``needs_telling``).
SENSITIVE: tuple[str, ...] = (
    "role:grant",
    "role:revoke",
    "invite:redeem",
    "channel:link",
    "channel:unlink",
    "alert:sent",
    "call:published",
    "call:edit",
    "report:published",
    "action:cancel",
    "export:made",
    # Every paid broadcast (README, "Paid broadcasts"): it spends the bot's Stars, which
    # are money, approved by a second person or not; and when those ran out part-way.
    "broadcast:paid",
    "broadcast:paid_ran_out",
)
#: Entries read at a time: a sweep after a long downtime works through them in batches.
BATCH = 50


async def tell_owners(s: Services) -> int:
    """Every sensitive move not told yet, told to every owner; how many moves were told."""
    told = 0
    while True:
        moves = await s.store.untold_moves(SENSITIVE, BATCH)
        if moves.empty:
            break
        notices = await _notices(s, moves) if s.settings.owner_notices else []
        # False: another sweep took these meanwhile (and told them); read on from where it got.
        if await s.store.tell_owners(moves, notices, s.now()):
            told += len(notices)
    if told:
        s.outbox.wake()
        log.info("owners told of %d moves", told)
    return told


async def _notices(
    s: Services, moves: UntoldMoves
) -> list[tuple[OwnerNotice, list[tuple[int, str]]]]:
    owners = sorted(set(s.settings.owner_ids))
    if not owners:
        return []
    # Owners who never opened the bot have no language: the default one. (The outbox finds
    # them unreachable, and gives up on them alone.)
    languages = await s.store.languages_of(owners)
    wanted = {owner: s.catalogs.resolve(languages.get(owner)) for owner in owners}
    notices = []
    for entry in moves.entries:
        if not needs_telling(entry):
            continue
        try:
            move = await _move(s, entry)
            texts = _rendered(s, move, set(wanted.values()))
        except StorageError:
            raise  # the database is unwell: the whole batch waits for the next sweep
        except Exception:
            # A fault in reading or rendering one entry must not silence every later one: the
            # owners still hear that something happened, and who did it.
            log.exception("audit entry %d (%s) could not be told as it is", entry.id, entry.action)
            move = Move(entry.at, Who(entry.actor_id), Unreadable(entry.action))
            texts = _rendered(s, move, set(wanted.values()))
        notices.append((OwnerNotice(entry.id), [(o, texts[lang]) for o, lang in wanted.items()]))
    return notices


def _rendered(s: Services, move: Move, languages: set[str]) -> dict[str, str]:
    """The notice's payload in each of ``languages``."""
    zone = s.settings.timezone
    return {
        language: Payload(owner_notice(s.translator(language), move, zone)).to_json()
        for language in languages
    }


def detail_of(entry: AuditEntry) -> dict[str, Any]:
    """The entry's detail as a mapping; an empty one if it is not a JSON object."""
    try:
        detail = json.loads(entry.detail)
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


def needs_telling(entry: AuditEntry) -> bool:
    """Whether owners are told of ``entry``: a call's publication only when no second person
    approved it (``approved_by`` null, or absent: entries written before the two-person rule),
    an edit of a published call only when it says so (``approved_by`` null; an edit of a draft
    or of a scheduled call has no such key); every other sensitive kind always."""
    if entry.action not in SENSITIVE:
        return False
    if entry.action == "call:published":
        return detail_of(entry).get("approved_by") is None
    if entry.action == "call:edit":
        detail = detail_of(entry)
        return "approved_by" in detail and detail["approved_by"] is None
    return True


async def _move(s: Services, entry: AuditEntry) -> Move:
    """The move an entry records, with what the notice names looked up; details that cannot
    be read (a forged or damaged entry) still make a notice, saying so."""
    detail = detail_of(entry)
    who = await _who(s, entry.actor_id, detail.get("actor"))
    try:
        if entry.action == "call:published" and entry.actor_id is None:
            # A scheduled call went out when its time came: its author made the move.
            call = await s.store.call(_number(detail["call"]))
            if call is not None:
                who = await _who(s, call.author, None)
        what = await _what(s, entry, detail)
    except (KeyError, ValueError, TypeError) as error:
        log.warning("audit entry %d (%s) read as unreadable: %r", entry.id, entry.action, error)
        what = Unreadable(entry.action)
    return Move(entry.at, who, what)


async def _what(s: Services, entry: AuditEntry, detail: Mapping[str, Any]) -> What:
    kind, store = entry.action, s.store
    if kind in ("role:grant", "role:revoke"):
        member = await _who(s, entry.target_id, detail.get("target"))
        return RoleMoved(kind == "role:grant", member, Role(detail["role"]))
    if kind == "invite:redeem":
        by = detail.get("invited_by")
        # /forgetme leaves the inviter's pseudonym in place of the id.
        inviter = await _who(s, by, None) if isinstance(by, int) else await _who(s, None, by)
        return InviteUsed(Role(detail["role"]), inviter)
    if kind in ("channel:link", "channel:unlink"):
        chat_id = _number(entry.target_id)
        title = detail.get("title") if kind == "channel:link" else None
        if not isinstance(title, str):
            title = await store.linked_title(chat_id)
        return ChannelMoved(kind == "channel:link", chat_id, title)
    if kind == "alert:sent":
        action = await store.action(_number(detail["action"]))
        return AlertSent(
            action_id=_number(detail["action"]),
            title=action.title if action else None,
            audience=Audience(detail["audience"]),
            copies=_number(detail.get("copies", 0)),
            text=await store.alert_text(_number(detail["alert"])),
        )
    if kind in ("call:published", "call:edit"):
        call_id = _number(detail["call"])
        call = await store.call(call_id)
        targets = detail.get("targets", call.targets if call else [])
        return CallOut(
            call_id=call_id,
            edited=kind == "call:edit",
            scheduled=kind == "call:published" and entry.actor_id is None,
            chats=tuple([await _chat_title(s, _number(chat)) for chat in targets]),
            subscribers=bool(call and call.to_subscribers),
        )
    if kind == "report:published":
        as_is = None
        if detail.get("as_is") is True:
            as_is = AsIs(_number(detail["faces"]), _number(detail.get("unchecked", 0)))
        return ReportOut(
            _number(detail["report"]), await _chat_title(s, _number(detail["channel"])), as_is
        )
    if kind == "action:cancel":
        action_id = _number(detail["action"])
        action = await store.action(action_id)
        return ActionCancelled(action_id, action.title if action else None)
    if kind == "export:made":
        return await _exported(s, detail)
    if kind in ("broadcast:paid", "broadcast:paid_ran_out"):
        return await _paid(s, kind, detail, entry.target_id)
    raise ValueError(f"not a sensitive kind: {kind}")


async def _paid(
    s: Services, kind: str, detail: Mapping[str, Any], target: int | None
) -> PaidStarted | PaidRanOut:
    """A paid broadcast: a call (``call``), or an alert (``alert``, for ``action``)."""
    call_id = _number(detail["call"]) if "call" in detail else None
    action_id = title = None
    if call_id is None:
        _number(detail["alert"])
        action_id = _number(detail["action"])
        action = await s.store.action(action_id)
        title = action.title if action else None
    if kind == "broadcast:paid":
        balance = detail.get("balance")
        if balance is not None and (
            isinstance(balance, bool) or not isinstance(balance, int | float)
        ):
            raise TypeError(f"not a balance: {balance!r}")
        return PaidStarted(
            call_id, action_id, title, _number(detail["copies"]), _number(detail["stars"]),
            None if balance is None else float(balance),
        )  # fmt: skip
    sender = await _who(s, _number(target), None)
    return PaidRanOut(
        call_id, action_id, title, sender, _number(detail["paid"]), _number(detail["left"])
    )


async def _exported(s: Services, detail: Mapping[str, Any]) -> Exported:
    media = detail.get("media") is True
    originals = media and detail.get("faces") == "originals"
    if detail.get("campaign") is not None:
        campaign = await s.store.campaign(_number(detail["campaign"]))
        return Exported(
            "campaign", media, title=campaign.name if campaign else None, originals=originals
        )
    if detail.get("action") is not None:
        action_id = _number(detail["action"])
        action = await s.store.action(action_id)
        title = action.title if action else None
        return Exported("action", media, action_id, title, originals=originals)
    return Exported("all", media, originals=originals)


async def _who(s: Services, user_id: object, forgotten: object) -> Who:
    """Someone by their id (a member's first name when they are one); the pseudonym of someone
    forgotten since; or, with neither, the command line."""
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        member = await s.store.member(user_id)
        return Who(user_id, member.first_name if member else None)
    if isinstance(forgotten, str):
        return Who(forgotten=forgotten)
    return COMMAND_LINE


async def _chat_title(s: Services, chat_id: int) -> str:
    channel = await s.store.channel(chat_id)
    if channel is not None:
        return channel.title
    return await s.store.linked_title(chat_id) or str(chat_id)


def _number(value: object) -> int:
    """An id out of an entry's detail; a forged one is refused (``TypeError``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"not an id: {value!r}")
