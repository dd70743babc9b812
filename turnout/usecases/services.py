"""What every use case is given: the long-lived things, and the hooks into the running bot.

``Services`` is built once, when the application starts (``turnout.bot.lifecycle``), and is
passed down to handlers and jobs. Use cases never construct anything long-lived themselves, and
never reach up into the application: what they need it to do (book the scheduler, refresh a
command menu) they ask through ``Hooks``, which the composition root implements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from telegram import Bot

from turnout.config import Settings
from turnout.delivery import Outbox
from turnout.i18n import Catalogs, Translator
from turnout.permissions import held_roles
from turnout.storage import Member, Role, Store
from turnout.usecases.admin_cache import AdminCache

Clock = Callable[[], datetime]


class Hooks(Protocol):
    """What the use cases ask of the running application."""

    async def planner_changed(self) -> None:
        """Timed work was planned or moved: book the scheduler at the next due moment."""

    def report_submitted(self) -> None:
        """A report was submitted: tell the review chat in a moment, with any others."""

    async def roles_changed(self, user_id: int) -> None:
        """Someone's roles changed: show them the command menu of their roles now."""

    async def forgotten(self, user_id: int) -> None:
        """Someone was forgotten: drop what the running bot keeps about them in memory."""

    def checkins_changed(self, action_id: int) -> None:
        """Someone checked in at ``action_id``: refresh the organisers' cards on the day in a
        moment (at most once every ``LIVE_CARD_EVERY``), with any others who check in meanwhile."""


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    store: Store
    outbox: Outbox
    catalogs: Catalogs
    bot: Bot
    clock: Clock
    hooks: Hooks
    admins: AdminCache = field(default_factory=lambda: AdminCache())
    """Telegram's recent answers about who administers which chat (``usecases.admins``)."""

    def now(self) -> datetime:
        return self.clock()

    @property
    def bot_username(self) -> str:
        return str(self.bot.username)

    def translator(self, language: str | None) -> Translator:
        """Messages to someone other than the person asking: in that person's language."""
        return self.catalogs.translator(language)

    async def translator_of(self, user_id: int) -> Translator:
        member = await self.store.member(user_id)
        return self.catalogs.translator(member.language if member else None)

    async def roles_of(self, user_id: int) -> frozenset[Role]:
        """The roles a user holds now: stored ones, and owner from the settings."""
        return held_roles(user_id, await self.store.roles_of(user_id), self.settings.owner_ids)

    async def member(self, user_id: int) -> Member | None:
        return await self.store.member(user_id)
