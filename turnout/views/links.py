"""Links into the bot (``t.me/<bot>?start=<payload>``): the typed payloads, made and read here.

A bot can message only people who opened it, so posts in channels, calendar files and shared
cards carry these links instead of buttons. ``/start`` reads them back with ``read_start``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram.helpers import create_deep_linked_url

# Telegram allows 64 characters of [A-Za-z0-9_-] in a start payload.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NUMBER = re.compile(r"[0-9]{1,16}")


@dataclass(frozen=True, slots=True)
class ActionLink:
    """Opens an action's card."""

    action: int


@dataclass(frozen=True, slots=True)
class ReportLink:
    """Starts a report about an action."""

    action: int


@dataclass(frozen=True, slots=True)
class InviteLink:
    """Redeems a one-time role invite."""

    token: str


@dataclass(frozen=True, slots=True)
class ProposeLink:
    """Invites to propose an action for a campaign."""

    campaign: int


@dataclass(frozen=True, slots=True)
class NearLink:
    """Asks for a location to list the actions near it (of one campaign, or all)."""

    campaign: int | None = None


StartPayload = ActionLink | ReportLink | InviteLink | ProposeLink | NearLink


def payload(link: StartPayload) -> str:
    match link:
        case ActionLink(action):
            return f"act_{action}"
        case ReportLink(action):
            return f"rep_{action}"
        case InviteLink(token):
            return f"inv_{token}"
        case ProposeLink(campaign):
            return f"prop_{campaign}"
        case NearLink(campaign):
            return "near" if campaign is None else f"near_{campaign}"


def deep_link(bot_username: str, link: StartPayload) -> str:
    return create_deep_linked_url(bot_username, payload(link))


def read_start(text: str) -> StartPayload | None:
    """What a ``/start`` payload asks for; None for none, or for one that is not well formed."""
    if not _PAYLOAD.fullmatch(text):
        return None
    kind, _, rest = text.partition("_")
    number = int(rest) if _NUMBER.fullmatch(rest) else None
    if kind == "inv" and rest:
        return InviteLink(rest)
    if kind == "near" and not rest:
        return NearLink()
    if number is None:
        return None
    match kind:
        case "act":
            return ActionLink(number)
        case "rep":
            return ReportLink(number)
        case "prop":
            return ProposeLink(number)
        case "near":
            return NearLink(number)
    return None
