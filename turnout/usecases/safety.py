"""The safety check (README, "Action day"): "Are you safe?" to everyone checked in at an
action's end (or sooner, when an organiser or the host asks), once more to those who did not
answer, and help for someone who needs it.

Who needed help is kept only as their answer on their check-in, for the counts organisers see;
the safety team learns who it is only when that person agrees to share their contact. Nothing of
it is logged or audited, and no export holds more than the counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from turnout.delivery import Payload
from turnout.i18n import Translator
from turnout.limits import ACTION_DAY_LATEST
from turnout.permissions import may_manage
from turnout.storage import Action, ActionStatus, Role, Safety
from turnout.storage.purposes import SafetyHelp
from turnout.usecases.actions import managed
from turnout.usecases.admins import bot_can_post
from turnout.usecases.errors import Declined, Gone, NotAllowed
from turnout.usecases.services import Services
from turnout.views.safety import Team, contact, safety_check, team_message

log = logging.getLogger(__name__)


async def ask_due(s: Services) -> int:
    """The safety checks due now (actions that ended with someone checked in): how many
    actions' checks were handed to the outbox."""
    now, asked = s.now(), 0
    for action in await s.store.due_safety_checks(now, ACTION_DAY_LATEST):
        queued = await _ask(s, action, 1, now, actor=None)
        if queued is not None:
            asked += 1
            log.info("safety check of action %d: %d asked", action.id, queued)
            s.hooks.checkins_changed(action.id)  # the organisers' open cards show the counts
    return asked


async def _ask(
    s: Services, action: Action, round: int, now: datetime, *, actor: int | None
) -> int | None:
    """Queue round ``round`` of the check, each in their language; None when that round was
    asked already (by someone else, or before a restart)."""
    recipients = await s.store.safety_recipients(action.id, round)
    messages = [
        (
            person.user_id,
            safety_check(s.translator(person.language), action, round).to_payload().to_json(),
        )
        for person in recipients
    ]
    # "Are you safe?" hours later is noise: unsent by then, it is dropped.
    expires_at = max(now, action.end) + ACTION_DAY_LATEST
    return await s.store.start_safety_round(
        action.id, round, messages, now, actor_id=actor, expires_at=expires_at
    )


async def run_check(s: Services, actor: int, action_id: int, verb: Literal["ask", "again"]) -> int:
    """An organiser or the host asks now (``ask``: everyone checked in, before the end), or
    once more those without an answer (``again``, once); how many were asked."""
    action = await _run_by(s, actor, action_id)
    now = s.now()
    round = 1 if verb == "ask" else 2
    if now < action.starts_at:
        # Asked before the start, it would settle the check for everyone who comes later.
        raise Declined("safety.not_started")
    if action.safety_round >= round:
        raise Gone("safety.asked_already" if round == 1 else "safety.asked_again_already")
    if action.safety_round < round - 1:
        raise Gone("safety.not_asked_yet")
    if now >= action.end + ACTION_DAY_LATEST:
        raise Gone("safety.too_late")
    if not await s.store.safety_recipients(action.id, round):
        raise Declined("safety.nobody_here" if round == 1 else "safety.everyone_answered")
    queued = await _ask(s, action, round, now, actor=actor)
    if queued is None:  # someone else asked meanwhile
        raise Gone("safety.asked_already" if round == 1 else "safety.asked_again_already")
    s.outbox.wake()
    s.hooks.checkins_changed(action.id)  # the other organisers' cards show the new line
    return queued


async def _run_by(s: Services, actor: int, action_id: int) -> Action:
    """The action, if ``actor`` manages it: planned, or cancelled once it had begun (whoever
    was there is still asked)."""
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("card.gone")
    if action.status is ActionStatus.CANCELLED and action.starts_at <= s.now():
        if not may_manage(await s.roles_of(actor), actor, action.host_id):
            raise NotAllowed()
        return action
    return await managed(s, actor, action_id)


@dataclass(frozen=True, slots=True)
class Answered:
    action: Action
    team: Team
    """Who would be told, if the person agrees (for "I need help")."""


async def answer(s: Services, user_id: int, action_id: int, given: Safety) -> Answered:
    """ "I'm safe" or "I need help": recorded for someone checked in (the latest counts)."""
    action = await _asked(s, user_id, action_id)
    if not await s.store.answer_safety(action.id, user_id, given, s.now()):
        raise Gone("safety.cancelled")  # cancelled this very moment
    s.hooks.checkins_changed(action.id)  # organisers watching the card see the count move
    return Answered(action, await team_of(s, action))


async def share(
    s: Services, user_id: int, action_id: int, reach: tuple[str, str | None] | None
) -> Team | None:
    """After "I need help": with ``reach`` (the name and @username Telegram gives with the
    press; never stored), the safety team is told who needs help and how to reach them, in the
    urgent lane, once; without, nothing is shared. Who the team was, or None."""
    action = await _asked(s, user_id, action_id)
    purpose = SafetyHelp(action.id, user_id)
    if reach is None:
        if (await s.outbox.progress(purpose)).total:
            raise Declined("safety.shared_already")
        return None
    checkin = await s.store.checkin_of(action.id, user_id)
    if checkin is None or checkin.safety is not Safety.HELP:
        raise Gone("safety.share_changed")
    # The safety chat is asked first: the bot removed from it (or the group moved to a new id)
    # would lose the call for help while the person is told it went. The organisers hear it
    # then, and the log says why.
    chat = s.settings.safety_chat_id
    reachable = chat is None or await bot_can_post(s, chat)
    team = await _team(s, action, user_id, chat=reachable)
    if not team:
        raise Declined("safety.no_team")
    name, username = reach
    way = contact(name, user_id, username)
    languages = await s.store.languages_of(team)  # the safety chat: the default

    def render(t: Translator) -> Payload:
        return Payload(team_message(t, action, way))

    messages = [(chat, render(s.translator(languages.get(chat)))) for chat in team]
    await s.outbox.enqueue(purpose, messages)
    return await team_of(s, action, chat=reachable)


async def _asked(s: Services, user_id: int, action_id: int) -> Action:
    """The action, if ``user_id`` may answer its safety check: they checked in and it was
    asked (an action cancelled while under way too: they were there)."""
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("card.gone")
    if action.status is ActionStatus.CANCELLED and not action.safety_round:
        raise Gone("safety.cancelled")
    if await s.store.checkin_of(action.id, user_id) is None:
        raise Declined("safety.not_checked_in")
    if not action.safety_round:
        raise Gone("safety.not_asked_yet")
    return action


async def team_of(s: Services, action: Action, *, chat: bool | None = None) -> Team:
    """Who the safety team is: the safety chat when set (and, with ``chat`` False, when the
    bot found it cannot post there), else the organisers and the host."""
    if s.settings.safety_chat_id is not None and chat is not False:
        return Team.CHAT
    return Team.ORGANISERS_AND_HOST if await _hosted(s, action) else Team.ORGANISERS


async def _hosted(s: Services, action: Action) -> bool:
    """The action has a host who still holds the role: one an owner stopped trusting is not
    told who needs help."""
    return action.host_id is not None and Role.HOST in await s.roles_of(action.host_id)


async def _team(s: Services, action: Action, person: int, *, chat: bool = True) -> list[int]:
    """The chats of the safety team: the safety chat when the settings name one (and ``chat``:
    the bot can post there), else every organiser and owner, and the action's host; never the
    person who needs help."""
    if s.settings.safety_chat_id is not None and chat:
        return [s.settings.safety_chat_id]
    staff = {
        grant.user_id for grant in await s.store.role_holders() if grant.role is Role.ORGANISER
    }
    staff |= set(s.settings.owner_ids)
    if action.host_id is not None and await _hosted(s, action):
        staff.add(action.host_id)
    return sorted(staff - {person})
