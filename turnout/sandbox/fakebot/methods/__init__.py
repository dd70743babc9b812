"""Bot API method handlers; importing this package registers all of them."""

from __future__ import annotations

from . import bot_info, chats, editing, polling, sending, stars
from .base import REGISTRY, Ctx, Handler, api_method, lookup

__all__ = [
    "REGISTRY",
    "Ctx",
    "Handler",
    "api_method",
    "bot_info",
    "chats",
    "editing",
    "lookup",
    "polling",
    "sending",
    "stars",
]
