"""The method registry and the context handed to every method handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..params import Params
from ..stars import Stars
from ..updates import UpdateHub
from ..world import World


@dataclass
class Ctx:
    """What a handler may touch."""

    world: World
    hub: UpdateHub
    stars: Stars = field(default_factory=Stars)
    """The bot's Telegram Stars (paid broadcasts)."""


Handler = Callable[[Ctx, Params], Awaitable[Any]]

REGISTRY: dict[str, tuple[str, Handler]] = {}
"""Lower-cased method name -> (canonical name, handler)."""


def api_method(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more canonical Bot API method names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            REGISTRY[name.lower()] = (name, handler)
        return handler

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    """Find a handler; method names are case-insensitive, as in Telegram."""
    return REGISTRY.get(name.lower())
