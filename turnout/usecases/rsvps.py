"""Answering an action's card (Going, Maybe, Can't go), and telling who moved up from the
waitlist."""

from __future__ import annotations

from turnout.delivery import Payload
from turnout.i18n import Translator
from turnout.storage import Action, ActionStatus, Answer, RsvpChange
from turnout.storage.purposes import WaitlistPromotion, stamp
from turnout.usecases.errors import Declined, Gone, Invalid
from turnout.usecases.services import Services
from turnout.usecases.telling import tell_each
from turnout.views.actions import card, display_zone
from turnout.views.reply import Reply

#: What a member may answer (the waitlist is where "going" lands when the action is full).
ANSWERS = frozenset({Answer.GOING, Answer.MAYBE, Answer.NOT_GOING})


async def answer(s: Services, user_id: int, action_id: int, given: Answer) -> RsvpChange:
    """Record a member's answer; a seat given up goes to the longest-waiting member."""
    if given not in ANSWERS:
        raise Invalid("roles.bad_button")
    action = await s.store.action(action_id)
    if action is None:
        raise Gone()
    if action.status is not ActionStatus.PLANNED or action.starts_at <= s.now():
        raise Declined("rsvp.closed")
    change = await s.store.answer_rsvp(action_id, user_id, given, s.now())
    if change is None:  # cancelled or started since the check above
        raise Declined("rsvp.closed")
    await tell_promoted(s, action, change.promoted)
    return change


async def tell_promoted(s: Services, action: Action, promoted: tuple[int, ...]) -> None:
    """Tell each member who moved up from the waitlist (a capacity raised, or someone
    forgotten, can promote many at once), with the card as it is now: the one they have in
    their chat still says they are waiting, and cannot be found to be edited."""
    if not promoted:
        return
    counts = await s.store.rsvp_counts(action.id)
    zone = display_zone(action, s.settings.timezone)

    def notice(t: Translator) -> Payload:
        now = card(t, action, counts, Answer.GOING, zone)
        told = t("rsvp.promoted", title=action.title) + "\n\n" + now.text
        return Reply(told, now.markup).to_payload()

    await tell_each(s, WaitlistPromotion(action.id, stamp(s.now())), promoted, notice)
