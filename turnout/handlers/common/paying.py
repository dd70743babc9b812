"""The paid-rate card in a broadcast's flow (README, "Paid broadcasts"): /newcall and /alert ask
it, as one more question, before a large broadcast goes out when a paid rate is configured.

The card is a question of the flow, not a button family of its own: its buttons carry the
prompt's id (``PromptButton``), so the engine already refuses a press on a card whose flow
ended (published, cancelled, lapsed: "out of date", nothing sent twice), on an earlier card of
the same flow, or on somebody else's, and the draft it decides about stays with the prompt
across a restart. A button of another family would close the flow it belongs to at the press
(``prompts._pressed_elsewhere``), and the draft would need a store of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from pydantic import BaseModel

from turnout.handlers.common.flows import Turn
from turnout.usecases.errors import Gone
from turnout.usecases.paid import Offer, still_as_shown
from turnout.views.paid import BACK, FREE, PAY, card
from turnout.views.reply import Reply


class PaidChoice(BaseModel):
    """What a broadcast's draft keeps of the card."""

    paid: bool = False
    """The sender chose to pay (Pay pressed)."""
    paid_covered: int | None = None
    """How many paid copies the card last said the balance pays for."""
    paid_changed: bool = False
    """The balance fell since the card was shown: it is shown again, saying so."""


P = TypeVar("P", bound=PaidChoice)
#: What a press on the card leads to: the broadcast goes out (as ``paid`` says), the card is
#: asked again with the balance as it is now, or the flow goes back to its previous step.
Pressed = Literal["go", "again", "back"]


def ask(turn: Turn[P], offer: Offer | None) -> Reply:
    """The card, with the balance read just now."""
    if offer is None:
        raise Gone("paid.off")  # the paid rate was switched off (a restart) since Publish
    draft = turn.draft
    changed, draft.paid_changed = draft.paid_changed, False
    draft.paid_covered = offer.covered
    return card(turn.t, turn.prompt.id, offer.estimate, offer.balance, changed=changed)


async def press(
    turn: Turn[P], choice: str, offer: Callable[[], Awaitable[Offer | None]]
) -> Pressed | None:
    """A press on the card; None for a choice that is not the card's. Pay reads the balance
    again: fallen below what the card said (another broadcast spent it, say), the card is
    shown again with the new figures rather than taken as agreed."""
    if choice == BACK:
        return "back"
    if choice not in (PAY, FREE):
        return None
    draft = turn.draft
    if choice == PAY:
        if draft.paid_covered == 0:
            return None  # the card had no Pay button (no Stars): an old or a forged press
        now = await offer()
        if now is None:
            raise Gone("paid.off")
        if not still_as_shown(now, draft.paid_covered):
            draft.paid_changed = True
            return "again"
    draft.paid = choice == PAY
    return "go"
