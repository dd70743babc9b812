"""Telling other people: one message per person, each in their own language, through the
outbox (they may have blocked the bot, or a thousand may be told at once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from turnout.delivery import Payload
from turnout.i18n import Translator
from turnout.storage.purposes import Purpose
from turnout.usecases.services import Services


async def tell_each(
    s: Services, purpose: Purpose, people: Sequence[int], render: Callable[[Translator], Payload]
) -> int:
    """Queue ``render(their translator)`` for each of ``people``; return how many are new."""
    if not people:
        return 0
    languages = await s.store.languages_of(people)
    messages = [(person, render(s.translator(languages.get(person)))) for person in people]
    return await s.outbox.enqueue(purpose, messages)


async def tell(
    s: Services, purpose: Purpose, person: int, render: Callable[[Translator], str]
) -> int:
    """One person, one plain message."""
    return await tell_each(s, purpose, [person], lambda t: Payload(render(t)))
