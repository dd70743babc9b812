"""The typed context handlers receive: ``context.store``, ``context.settings``, ``context.t``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from turnout.bot.flood import FloodGate
from turnout.bot.menus import publish_user_menu
from turnout.config import Settings
from turnout.delivery import Outbox
from turnout.i18n import Catalogs, Translator
from turnout.permissions import held_roles
from turnout.storage import Member, Role, Store

if TYPE_CHECKING:
    from turnout.handlers.registry import Command

Clock = Callable[[], datetime]


class BotData:
    """Long-lived things shared by all handlers.

    ``build_application`` sets everything but the store and the outbox, which ``post_init``
    opens, so all of it is there before the first update is handled.
    """

    settings: Settings
    catalogs: Catalogs
    clock: Clock
    store: Store
    outbox: Outbox
    #: The command registry, for /help and the command menus.
    commands: tuple[Command, ...]
    #: Per-person flood control: all updates, and (more room) files sent as report material.
    flood: FloodGate
    file_flood: FloodGate


class TurnoutContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context of one update, with the user's language and membership once recognised."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.member: Member | None = None
        self.language: str = self.bot_data.catalogs.default_language

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> TurnoutContext:
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user is not None:
            context.language = context.catalogs.resolve(update.effective_user.language_code)
        return context

    @property
    def store(self) -> Store:
        return self.bot_data.store

    @property
    def outbox(self) -> Outbox:
        return self.bot_data.outbox

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def catalogs(self) -> Catalogs:
        return self.bot_data.catalogs

    @property
    def t(self) -> Translator:
        """Translate into the language of the user this update comes from."""
        return self.catalogs.translator(self.language)

    def now(self) -> datetime:
        return self.bot_data.clock()

    def recognise(self, member: Member | None) -> None:
        """Remember who the user is; their chosen language wins over Telegram's."""
        self.member = member
        if member is not None:
            self.language = self.catalogs.resolve(member.language)

    async def roles_of(self, user_id: int) -> frozenset[Role]:
        stored = await self.store.roles_of(user_id)
        return held_roles(user_id, stored, self.settings.owner_ids)

    async def refresh_menu(self, user_id: int) -> None:
        """Show a user the command menu of the roles they hold now."""
        member = await self.store.member(user_id)
        language = member.language if member else None
        await publish_user_menu(
            self.bot,
            user_id,
            await self.roles_of(user_id),
            self.bot_data.commands,
            self.catalogs.translator(language),
        )
