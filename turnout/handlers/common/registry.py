"""The shapes of the handler registry, and the one guard every entry goes through.

Features declare what they answer (a command, a family of buttons, or another kind of update)
and who may use it; ``build_application`` turns the ordered ``HANDLERS`` list into PTB handlers.
Since the guard is applied here, a privileged command or button cannot be added without it; and
since a button's data is decoded here, no handler reads callback data by hand. A use case that
says no (``UseCaseError``) is answered here too, the same way everywhere.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from turnout.handlers.common.commands import CommandEntry
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import explain, refuse
from turnout.permissions import EVERYONE, allowed
from turnout.storage import Role
from turnout.usecases.errors import UseCaseError
from turnout.views.buttons import ButtonData

Callback = Callable[[Update, TurnoutContext], Coroutine[Any, Any, object]]
B = TypeVar("B", bound=ButtonData)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command in the private chat, listed in /help and the menus."""

    entry: CommandEntry
    callback: Callback
    group: int = 0

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def roles(self) -> frozenset[Role]:
        return self.entry.roles

    def handler(self) -> BaseHandler[Update, TurnoutContext, object]:
        return CommandHandler(
            self.name, guarded(self.callback, self.roles), filters=filters.ChatType.PRIVATE
        )


def command(
    name: str, callback: Callback, help_key: str, roles: frozenset[Role] = EVERYONE
) -> Command:
    return Command(CommandEntry(name, help_key, roles), callback)


@dataclass(frozen=True, slots=True)
class Button(Generic[B]):
    """A family of inline buttons: ``callback`` gets the press and its decoded data; a press
    whose data does not decode (old, forged) is answered that the button is out of date."""

    family: type[B]
    callback: Callable[[Update, TurnoutContext, B], Coroutine[Any, Any, object]]
    roles: frozenset[Role] = EVERYONE
    group: int = 0

    @property
    def prefix(self) -> str:
        return self.family.prefix

    def handler(self) -> BaseHandler[Update, TurnoutContext, object]:
        family, callback = self.family, self.callback

        async def pressed(update: Update, context: TurnoutContext) -> object:
            query = update.callback_query
            assert query is not None
            data = family.decode(query.data)
            if data is None:
                await query.answer(context.t("roles.bad_button"), show_alert=True)
                return None
            return await callback(update, context, data)

        pressed.__qualname__ = getattr(callback, "__qualname__", family.__name__)
        return CallbackQueryHandler(guarded(pressed, self.roles), pattern=family.pattern())


@dataclass(frozen=True, slots=True)
class Other:
    """Any other PTB handler (chat-member changes, fallbacks), used as given."""

    build: Callable[[], BaseHandler[Update, TurnoutContext, Any]]
    group: int = 0

    def handler(self) -> BaseHandler[Update, TurnoutContext, Any]:
        return self.build()


Route = Command | Button[Any] | Other


def guarded(callback: Callback, required: frozenset[Role]) -> Callback:
    """Run ``callback`` only for users holding one of ``required``, checked in the database;
    explain a use case's refusal to the person."""

    @functools.wraps(callback)
    async def guard(update: Update, context: TurnoutContext) -> object:
        user = update.effective_user
        if required and not (
            user is not None and allowed(await context.roles_of(user.id), required)
        ):
            log.info(
                "refused %s to user %s (needs %s)",
                callback.__qualname__,
                user.id if user else None,
                ", ".join(sorted(required)),
                extra={"update_id": update.update_id},
            )
            await refuse(update, context)
            return None
        try:
            return await callback(update, context)
        except UseCaseError as error:
            await explain(update, context, error)
            return None

    return guard
