"""Members: joining, what they choose for themselves, whether they can be reached, and being
forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from turnout.pseudonym import forgotten_mark, pseudonym
from turnout.storage import Forgotten, Member
from turnout.usecases.errors import Declined, Gone, Invalid
from turnout.usecases.rsvps import tell_promoted
from turnout.usecases.services import Services


@dataclass(frozen=True, slots=True)
class Person:
    """Who Telegram says sent an update."""

    user_id: int
    first_name: str
    language_code: str | None


async def register(s: Services, person: Person) -> tuple[Member, bool]:
    """Add a member, or refresh a returning one (their name; they can be reached again);
    True when they are new. A returning member keeps the language and zone they chose."""
    return await s.store.register_member(
        person.user_id,
        person.first_name,
        s.catalogs.resolve(person.language_code),
        s.settings.timezone,
        s.now(),
    )


async def returning(s: Services, person: Person) -> Member:
    """A member already known, refreshed as ``register`` does. Anyone else (never started, or
    forgotten by /forgetme) is told to send /start: only /start makes someone a member, so an
    old button pressed after /forgetme cannot sign the person up again unasked."""
    if await s.store.member(person.user_id) is None:
        raise Declined("start.first")
    member, _ = await register(s, person)
    return member


async def subscribe(s: Services, user_id: int, subscribed: bool) -> None:
    """New calls delivered to the private chat, or not."""
    await s.store.set_subscribed(user_id, subscribed, s.now())


async def set_reminders(s: Services, user_id: int, minutes: tuple[int, ...] | None) -> None:
    """Which reminders the member wants: None every one, () none."""
    await s.store.set_reminder_minutes(user_id, minutes, s.now())


async def set_language(s: Services, user_id: int, language: str) -> None:
    if language not in s.catalogs.languages:
        raise Invalid("roles.bad_button")
    await s.store.set_language(user_id, language, s.now())
    await s.hooks.roles_changed(user_id)  # the command menu, in the new language


async def set_timezone(s: Services, user_id: int, zone: str) -> None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("near.bad_zone") from None
    await s.store.set_timezone(user_id, zone, s.now())


async def set_show_name(s: Services, user_id: int, show: bool) -> None:
    """Whether organisers see the member's first name next to their pseudonym."""
    await s.store.set_show_name(user_id, show, s.now())


async def set_reachable(s: Services, user_id: int, reachable: bool) -> None:
    """The member blocked the bot (or came back)."""
    await s.store.set_reachable(user_id, reachable, s.now())


async def who_am_i(s: Services, user_id: int) -> str:
    """How organisers see this member."""
    return pseudonym(await s.store.pseudonym_key(), user_id)


async def forget(s: Services, user_id: int) -> tuple[Forgotten, str]:
    """Delete everything about a member (``/forgetme``); the waitlists they leave move up.
    Returns what went, and the mark the audit log keeps instead of them (``forgotten_mark``)."""
    if await s.store.member(user_id) is None:
        raise Gone("privacy.nothing")
    who = forgotten_mark()
    forgotten = await s.store.forget_member(user_id, who, s.now())
    await s.hooks.forgotten(user_id)
    for action_id, promoted in forgotten.promoted:
        action = await s.store.action(action_id)
        if action is not None:
            await tell_promoted(s, action, promoted)
    return forgotten, who
