"""The webhook server: Telegram's updates as HTTP POSTs, checked before their body is read.

python-telegram-bot's own server reads a whole request (up to 100 MB) before it looks at the
secret header, so anyone who knows the address can make the bot hold large bodies in memory.
This one answers from the headers alone: 403 without Telegram's secret
(``X-Telegram-Bot-Api-Secret-Token``, compared in constant time), 411 without a length, 413
for a body over ``MAX_BODY`` (an update is a few kilobytes; 1 MiB is far above any). Only then
is the body read; the update is stored by the intake and only then answered 200, so Telegram
sends it again if the bot dies before that (``bot/intake.py``).
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Bot, Update

from turnout.bot.intake import Intake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY = 1024 * 1024


class WebhookServer:
    """Listens on ``listen``:``port`` at ``/path`` while started."""

    def __init__(
        self,
        intake: Intake,
        bot: Bot,
        path: str,
        secret: str,
        listen: str,
        port: int,
    ) -> None:
        self._intake = intake
        self._bot = bot
        self._path = "/" + path.strip("/")
        self._secret = secret.encode()
        self._listen, self._port = listen, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._receive)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, self._listen, self._port).start()
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.info("webhook request without the right secret refused")
            return web.Response(status=403)
        length = request.content_length
        if length is None:
            return web.Response(status=411)
        if length > MAX_BODY:
            log.warning("webhook request of %d bytes refused", length)
            return web.Response(status=413)
        try:
            body = (await request.read()).decode()
            update = Update.de_json(json.loads(body), self._bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("webhook request that is no update refused: %s", error)
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        if not await self._intake.receive([(update, body)]):
            # Not stored (a full disk): answered once handled, so a kill before then leaves it
            # with Telegram, which sends it again.
            await self._intake.settled([update])
        return web.Response()
