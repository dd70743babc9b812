"""Urgent alerts (README, "Urgent alerts"): a short message from an organiser, or from the host of
their own action, to everyone going to one action or only to those checked in, around the day of
the action. Each copy speaks its reader's language, is pinned in their chat, carries a button to
mute the action's alerts, and goes through the outbox's first lane: a call's 20,000 copies
already queued do not delay it. The alert, its audit entry and its copies are one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from turnout.limits import ACTION_DAY_LATEST, ALERT_CHARACTERS, LONGEST_ACTION
from turnout.permissions import ORGANISERS, allowed, may_manage
from turnout.storage import Action, ActionStatus, Alert, Audience
from turnout.storage.purposes import AlertCopy
from turnout.usecases import paid
from turnout.usecases.errors import Declined, Gone, Invalid, NotAllowed
from turnout.usecases.fields import visible
from turnout.usecases.services import Services
from turnout.views.alerts import alert_message

#: How long before its start an action's alerts open: the day before is when plans change
#: ("the bridge is closed tomorrow, meet at the north gate"), and people are on their way
#: well before the hour check-in opens. They close ``ACTION_DAY_LATEST`` after its end.
ALERTS_OPEN = timedelta(hours=24)
#: The most actions offered to choose from.
CHOICES = 10


@dataclass(frozen=True, slots=True)
class Sent:
    """An alert on its way: what the sender watches (``purpose``'s progress) and how many
    copies were queued."""

    alert: Alert
    action: Action
    copies: int

    @property
    def purpose(self) -> AlertCopy:
        return AlertCopy(self.alert.id)


def alerts_open(action: Action, now: datetime) -> bool:
    """Whether an alert may go out for ``action`` now: planned, from ``ALERTS_OPEN`` before its
    start, or cancelled once it had begun, until ``ACTION_DAY_LATEST`` after its end."""
    if action.status is ActionStatus.CANCELLED:
        # Cancelled while under way (the police dispersed it): those still there need alerts
        # more than ever, until the day is over.
        return action.starts_at <= now < action.end + ACTION_DAY_LATEST
    return (
        action.status is ActionStatus.PLANNED
        and action.starts_at - ALERTS_OPEN <= now < action.end + ACTION_DAY_LATEST
    )


def by_urgency(actions: list[Action], now: datetime) -> list[Action]:
    """Under way first (the latest started first), then those about to start (the soonest
    first), then those just over (the latest ended first)."""

    def rank(action: Action) -> tuple[int, float]:
        if action.starts_at <= now < action.end:
            return 0, -action.starts_at.timestamp()
        if now < action.starts_at:
            return 1, action.starts_at.timestamp()
        return 2, -action.end.timestamp()

    return sorted(actions, key=rank)


def checked_text(text: str) -> str:
    """The alert's text as it will go out: not empty, at most ``ALERT_CHARACTERS``."""
    body = text.strip()
    if not visible(body):  # zero-width characters alone: an empty URGENT pinned everywhere
        raise Invalid("alert.empty")
    if len(body) > ALERT_CHARACTERS:
        raise Invalid("alert.too_long", count=ALERT_CHARACTERS)
    return body


async def choices(s: Services, actor: int) -> list[Action]:
    """The actions ``actor`` may alert now, most urgent first: any for an organiser or an
    owner, their own for a host."""
    held = await s.roles_of(actor)
    host = None if allowed(held, ORGANISERS) else actor
    now = s.now()
    found = await s.store.actions_starting_between(
        now - LONGEST_ACTION - ACTION_DAY_LATEST, now + ALERTS_OPEN, host
    )
    mine = [
        action
        for action in found
        if alerts_open(action, now) and may_manage(held, actor, action.host_id)
    ]
    return by_urgency(mine, now)[:CHOICES]


async def alertable(s: Services, actor: int, action_id: int) -> Action:
    """The action, if ``actor`` may alert it now (rights checked at this moment)."""
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("card.gone")
    if not may_manage(await s.roles_of(actor), actor, action.host_id):
        raise NotAllowed()
    if action.status is not ActionStatus.PLANNED:
        raise Gone("card.is_cancelled")
    if not alerts_open(action, s.now()):
        raise Gone("alert.closed", title=action.title)
    return action


async def audiences(s: Services, actor: int, action_id: int) -> dict[Audience, int]:
    """How many each audience would reach now."""
    action = await alertable(s, actor, action_id)
    return await s.store.alert_audiences(action.id)


async def check(s: Services, actor: int, action_id: int, audience: Audience, text: str) -> Action:
    """Why the alert cannot go out, if anything (said before the flow closes): rights, the
    action's window, the text, someone to reach."""
    action = await alertable(s, actor, action_id)
    checked_text(text)
    if not (await s.store.alert_audiences(action.id))[audience]:
        raise Declined("alert.nobody")
    return action


async def offers_paid(s: Services, actor: int, action_id: int, audience: Audience) -> bool:
    """Whether the sender is offered the paid rate before the alert goes out: one is
    configured, and the alert reaches enough people for it to matter."""
    return paid.worth(s, (await audiences(s, actor, action_id))[audience])


async def paid_offer(
    s: Services, actor: int, action_id: int, audience: Audience
) -> paid.Offer | None:
    """The card the sender sees before a large alert goes out: its cost in Stars and the
    bot's balance now; None without a paid rate configured."""
    return await paid.offer(s, (await audiences(s, actor, action_id))[audience])


async def send(
    s: Services, actor: int, action_id: int, audience: Audience, text: str, *, pay: bool = False
) -> Sent:
    """Send the alert: stored, audited and every copy queued in the urgent lane in one
    transaction, then the outbox woken. ``pay``: its sender chose to pay for the copies above
    the free rate (with a paid rate configured)."""
    action = await alertable(s, actor, action_id)
    body = checked_text(text)
    recipients = await s.store.alert_recipients(action.id, audience)
    if not recipients:
        raise Declined("alert.nobody")
    catalogs = s.catalogs
    payloads: dict[str, str] = {}
    for language in {catalogs.resolve(person.language) for person in recipients}:
        message = alert_message(catalogs.translator(language), action, body)
        payloads[language] = replace(message.to_payload(), pin=True).to_json()
    messages = [
        (person.user_id, payloads[catalogs.resolve(person.language)]) for person in recipients
    ]
    # Not sent by the end of the day (the bot was down), an alert is no news but noise.
    expires_at = action.end + ACTION_DAY_LATEST
    start = await paid.start(s, actor, len(messages)) if pay else None
    sent = await s.store.send_alert(
        action.id, actor, audience, body, messages, s.now(), expires_at=expires_at, paid=start
    )
    if sent is None:
        raise Gone("card.is_cancelled")
    s.outbox.wake()
    alert, copies = sent
    return Sent(alert, action, copies)


async def mute(s: Services, user_id: int, action_id: int, muted: bool) -> bool:
    """Mute (or hear again) the alerts of one action; False if there is nothing to mute (the
    person never answered it, or the action is gone)."""
    return await s.store.set_alerts_muted(action_id, user_id, muted)
