"""The shapes of the handler registry, and the one permission guard every entry goes through.

Features declare what they answer (a command, a family of buttons, or another kind of update) and
who may use it; ``build_application`` turns the ordered ``HANDLERS`` list into PTB handlers. Since
the guard is applied here, a privileged command or button cannot be added without it.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from turnout.bot.context import TurnoutContext
from turnout.permissions import EVERYONE, allowed
from turnout.storage import Role

Callback = Callable[[Update, TurnoutContext], Coroutine[Any, Any, object]]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command in the private chat; ``help`` is the message key of its one-line help."""

    name: str
    callback: Callback
    help: str
    roles: frozenset[Role] = EVERYONE
    group: int = 0

    def handler(self) -> BaseHandler[Update, TurnoutContext, object]:
        return CommandHandler(
            self.name, guarded(self.callback, self.roles), filters=filters.ChatType.PRIVATE
        )


@dataclass(frozen=True, slots=True)
class Button:
    """Inline buttons whose callback data starts with ``prefix:``."""

    prefix: str
    callback: Callback
    roles: frozenset[Role] = EVERYONE
    group: int = 0

    def handler(self) -> BaseHandler[Update, TurnoutContext, object]:
        pattern = re.compile(rf"^{re.escape(self.prefix)}(:|$)")
        return CallbackQueryHandler(guarded(self.callback, self.roles), pattern=pattern)


@dataclass(frozen=True, slots=True)
class Other:
    """Any other PTB handler (chat-member changes, fallbacks), used as given."""

    build: Callable[[], BaseHandler[Update, TurnoutContext, object]]
    group: int = 0

    def handler(self) -> BaseHandler[Update, TurnoutContext, object]:
        return self.build()


@dataclass(frozen=True, slots=True)
class Conversation:
    """A command that opens a conversation. ``command`` is guarded like any command and is
    what /help and the menus show; ``build`` wraps it into the ConversationHandler."""

    command: Command
    build: Callable[
        [BaseHandler[Update, TurnoutContext, object]], BaseHandler[Update, TurnoutContext, Any]
    ]
    group: int = 0

    def handler(self) -> BaseHandler[Update, TurnoutContext, Any]:
        return self.build(self.command.handler())


Route = Command | Button | Other | Conversation


def guarded(callback: Callback, required: frozenset[Role]) -> Callback:
    """Run ``callback`` only for users holding one of ``required``, checked in the database."""
    if not required:
        return callback

    @functools.wraps(callback)
    async def guard(update: Update, context: TurnoutContext) -> object:
        user = update.effective_user
        if user is not None and allowed(await context.roles_of(user.id), required):
            return await callback(update, context)
        log.info(
            "refused %s to user %s (needs %s)",
            callback.__qualname__,
            user.id if user else None,
            ", ".join(sorted(required)),
            extra={"update_id": update.update_id},
        )
        await refuse(update, context)
        return None

    return guard


async def refuse(update: Update, context: TurnoutContext) -> None:
    """Say no the same way for a command and a button press, and change nothing else."""
    text = context.t("access.refused")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def conversation_handler(**options: Any) -> ConversationHandler[TurnoutContext]:
    """A ConversationHandler tracked per chat and user, not per message: each step answers the
    newest question, so PTB's warning about that choice (for buttons in a step) is expected."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        return ConversationHandler(**options)


def stopper(
    message: str, forget: str | None = None
) -> Callable[[Update, TurnoutContext], Coroutine[Any, Any, int]]:
    """A conversation's /cancel: drop what it kept in ``user_data[forget]``, say ``message``
    (a message key), end."""

    async def stop(update: Update, context: TurnoutContext) -> int:
        if forget is not None and context.user_data is not None:
            context.user_data.pop(forget, None)
        if update.effective_message is not None:
            await update.effective_message.reply_text(context.t(message))
        return ConversationHandler.END

    return stop


#: The conversation state of a reason being typed.
REASON = 0


def reason_conversation(
    *,
    name: str,
    ask: Callback,
    ask_pattern: str,
    got: Callback,
    bare: Callback,
    bare_pattern: str,
    roles: frozenset[Role],
    forget: str,
    stopped: str,
    wait: float,
) -> ConversationHandler[TurnoutContext]:
    """A decision that takes an optional reason (Reject, Flag): ``ask`` (a button) asks for
    it, then ``got`` takes the typed reason or ``bare`` the "no reason" button; /cancel drops
    ``user_data[forget]``. The roles are checked at each step. After ``wait`` seconds the
    question lapses: a message much later is not taken as the reason someone will read."""
    return conversation_handler(
        entry_points=[CallbackQueryHandler(guarded(ask, roles), pattern=ask_pattern)],
        states={
            REASON: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, guarded(got, roles)),
                CallbackQueryHandler(guarded(bare, roles), pattern=bare_pattern),
            ]
        },
        fallbacks=[CommandHandler("cancel", stopper(stopped, forget))],
        name=name,
        allow_reentry=True,
        conversation_timeout=wait,
    )
