"""getUpdates and the webhook methods."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from ..errors import bad_request
from ..jsonutil import JSONDict
from ..params import Params
from ..updates import Webhook
from .base import Ctx, api_method

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _allowed(p: Params) -> list[str] | None:
    allowed = p.get_list("allowed_updates")
    return None if allowed is None else [str(kind) for kind in allowed]


@api_method("getUpdates")
async def get_updates(ctx: Ctx, p: Params) -> list[JSONDict]:
    """Long polling: ``offset`` confirms, ``timeout`` waits, 409 while a webhook is set."""
    return await ctx.hub.get_updates(
        offset=p.get_int("offset", 0) or 0,
        limit=p.get_int("limit", 100) or 100,
        wait_seconds=p.get_float("timeout", 0.0) or 0.0,
        allowed_updates=_allowed(p),
    )


@api_method("setWebhook")
async def set_webhook(ctx: Ctx, p: Params) -> bool:
    """Install a webhook (http URLs are accepted so tests can use a local receiver)."""
    url = p.get_str("url") or ""
    drop = p.get_bool("drop_pending_updates")
    if not url:
        ctx.hub.delete_webhook(drop_pending_updates=drop)
        return True
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = p.get_int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = _allowed(p)
    if allowed is not None:
        ctx.hub.allowed_updates = allowed
    webhook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=ctx.hub.allowed_updates,
        ip_address=p.get_str("ip_address"),
    )
    ctx.hub.set_webhook(webhook, drop_pending_updates=drop)
    return True


@api_method("deleteWebhook")
async def delete_webhook(ctx: Ctx, p: Params) -> bool:
    """Remove the webhook."""
    ctx.hub.delete_webhook(drop_pending_updates=p.get_bool("drop_pending_updates"))
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(ctx: Ctx, p: Params) -> JSONDict:
    """``WebhookInfo``."""
    return ctx.hub.webhook_info()
