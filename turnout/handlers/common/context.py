"""The typed context handlers receive: ``context.services``, ``context.store``, ``context.t``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from turnout.config import Settings
from turnout.handlers.common.commands import CommandEntry
from turnout.handlers.common.floodgate import FloodGate
from turnout.i18n import Catalogs, Translator
from turnout.storage import Member, Role, Store
from turnout.usecases.services import Clock, Services


class BotData:
    """Long-lived things shared by all handlers.

    ``build_application`` sets everything but ``services``, which ``post_init`` makes once the
    database is open, so all of it is there before the first update is handled.
    """

    settings: Settings
    catalogs: Catalogs
    clock: Clock
    services: Services
    #: The commands, for /help and the command menus.
    commands: tuple[CommandEntry, ...]
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
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def store(self) -> Store:
        return self.bot_data.services.store

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

    @property
    def timezone(self) -> str:
        """The reader's zone: the member's own, else the bot's."""
        return self.member.timezone if self.member else self.settings.timezone

    async def roles_of(self, user_id: int) -> frozenset[Role]:
        return await self.services.roles_of(user_id)
