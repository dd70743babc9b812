"""Knowing who a member is: recognising them on every update, and registering them."""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.context import TurnoutContext
from turnout.storage import Member
from turnout.usecases import members
from turnout.usecases.members import Person


async def recognise_member(update: Update, context: TurnoutContext) -> None:
    """Runs before every feature: loads the member so replies use the language they chose."""
    if update.effective_user is not None:
        context.recognise(await context.store.member(update.effective_user.id))


async def ensure_member(update: Update, context: TurnoutContext) -> tuple[Member, bool]:
    """/start: register the user of a private-chat update (or refresh them); True when new."""
    member, created = await members.register(context.services, _person(update))
    context.recognise(member)
    return member, created


async def known_member(update: Update, context: TurnoutContext) -> Member:
    """Everything but /start: the member, refreshed; someone not (or no longer) a member is
    told to send /start (a ``UseCaseError``, answered by the registry's guard)."""
    member = await members.returning(context.services, _person(update))
    context.recognise(member)
    return member


def _person(update: Update) -> Person:
    user = update.effective_user
    assert user is not None  # only handlers of people's own updates call these
    return Person(user.id, user.first_name, user.language_code)
