"""What the command menus and /help know of a command: its name, its help, who may use it."""

from __future__ import annotations

from dataclasses import dataclass

from turnout.permissions import EVERYONE
from turnout.storage import Role


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """A slash command as people see it listed; ``help`` is the message key of its line."""

    name: str
    help: str
    roles: frozenset[Role] = EVERYONE
