"""getMyStarBalance: the bot's Telegram Stars (what paid broadcasts cost)."""

from __future__ import annotations

from ..jsonutil import JSONDict
from ..params import Params
from .base import Ctx, api_method


@api_method("getMyStarBalance")
async def get_my_star_balance(ctx: Ctx, p: Params) -> JSONDict:
    """The bot's balance as a ``StarAmount``."""
    return ctx.stars.amount()
