"""Links into the bot (``t.me/<bot>?start=<payload>``): made and read here, typed.

A bot can message only people who opened it, so posts in channels, calendar files and shared
cards carry these links instead of buttons. ``/start`` reads them back with ``read_start``.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Literal, cast

from telegram.helpers import create_deep_linked_url

# Telegram allows 64 characters of [A-Za-z0-9_-] in a start payload.
_PAYLOAD = re.compile(r"([a-z]+)(?:_([A-Za-z0-9_-]{1,59}))?")


LinkTo = Literal["act", "rep", "inv", "prop", "near"]
"""What a link opens: an action's card, a report about an action (``value``: the action);
a one-time role invite (its token); proposing an action for a campaign (the campaign); the
actions near a shared location (a campaign, or None for all)."""
_KINDS: frozenset[str] = frozenset(typing.get_args(LinkTo))


@dataclass(frozen=True, slots=True)
class Link:
    to: LinkTo
    value: int | str | None = None

    @property
    def payload(self) -> str:
        return self.to if self.value is None else f"{self.to}_{self.value}"

    @property
    def number(self) -> int:
        """The id the link carries (an action, a campaign)."""
        assert isinstance(self.value, int)
        return self.value


def deep_link(bot_username: str, link: Link) -> str:
    return create_deep_linked_url(bot_username, link.payload)


def read_start(text: str) -> Link | None:
    """What a ``/start`` payload asks for; None for none, or for one that is not well formed:
    a token for an invite, a number for the others (none at all for every action near)."""
    match = _PAYLOAD.fullmatch(text)
    if match is None or match[1] not in _KINDS:
        return None
    to, rest = cast(LinkTo, match[1]), match[2]
    if to == "inv":
        return Link(to, rest) if rest else None
    if rest is None:
        return Link(to) if to == "near" else None
    return Link(to, int(rest)) if rest.isascii() and rest.isdigit() and len(rest) <= 16 else None
