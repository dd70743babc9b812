"""``FakeTelegram``: an in-process fake of the Telegram Bot API HTTP server (aiohttp)."""

from __future__ import annotations

import copy
import logging
import random
import time
from collections.abc import Callable
from typing import Any, Unpack

from aiohttp import web

from . import builders
from .calls import ApiCall
from .client import FakeUser
from .errors import ApiError, forbidden, not_found, unauthorized
from .faults import Chaos, Faults, TokenBucket
from .jsonutil import JSONDict, clone
from .lifecycle import StartStop
from .methods import Ctx, lookup
from .notifier import Notifier
from .params import Params, read_request
from .stars import paid_messages
from .updates import UpdateHub
from .webhook import WebhookDelivery, WebhookPusher
from .world import FakeChat, NewUser, StoredMessage, UserRecord, World

log = logging.getLogger(__name__)

MAX_UPLOAD = 64 * 1024 * 1024


class FakeTelegram(StartStop):
    """A fake Bot API server for end-to-end tests with the real python-telegram-bot client.

    Point PTB at it with ``Bot(token, base_url=fake.base_url, base_file_url=fake.base_file_url)``
    (or the same two settings on ``ApplicationBuilder``).
    """

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "turnout_test_bot",
        bot_id: int = 900000001,
        bot_first_name: str = "Turnout Test Bot",
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        supports_inline_queries: bool = False,
        webhook_max_attempts: int = 3,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.notifier = Notifier()
        bot = UserRecord(
            id=bot_id,
            first_name=bot_first_name,
            username=bot_username,
            is_bot=True,
            bot_flags={
                "can_join_groups": can_join_groups,
                "can_read_all_group_messages": can_read_all_group_messages,
                "supports_inline_queries": supports_inline_queries,
            },
        )
        self.world = World(bot, clock)
        self.world.on_bot_message = self.notifier.touch
        self.hub = UpdateHub(self.notifier)
        self.faults = Faults()
        self.calls: list[ApiCall] = []
        """Every request received, in arrival order."""
        self.internal_errors: list[BaseException] = []
        """Exceptions raised by the fake itself (bugs in the fixture, answered with 500)."""
        self.suppressed: list[JSONDict] = []
        """Group messages not delivered to the bot because of privacy mode."""
        self._stubs: dict[str, tuple[str, Any]] = {}
        self._fake_users: dict[int, FakeUser] = {}
        self._pusher = WebhookPusher(self.hub, max_attempts=webhook_max_attempts)
        self._ctx = Ctx(world=self.world, hub=self.hub)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``127.0.0.1`` on a free port."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self.hub.closing = False
        self._pusher.start()

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the listener."""
        if self._runner is None:
            return
        self.hub.closing = True
        self.notifier.notify(everyone=True)
        await self._pusher.stop()
        await self._runner.cleanup()
        self._runner = None
        self._port = None

    @property
    def port(self) -> int:
        """The TCP port (only while started)."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/bot`` — PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:<port>/file/bot`` — PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_id(self) -> int:
        """The bot's user id."""
        return self.world.bot.id

    @property
    def bot_username(self) -> str:
        """The bot's username (without ``@``)."""
        return self.world.bot.username or ""

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object."""
        return self.world.bot.to_dict()

    # --- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        # Only the bot on this computer talks to the fake server, by its own address and never
        # from a browser: a page of another site (which a browser sends with its Origin), or
        # another name for the address (DNS rebinding), would otherwise act as Telegram, e.g.
        # set the webhook and read every message.
        if request.host not in (f"127.0.0.1:{self._port}", f"localhost:{self._port}"):
            return web.json_response(forbidden("wrong host").body(), status=421)
        if "Origin" in request.headers:
            return web.json_response(forbidden("requests from web pages").body(), status=403)
        path = request.path
        if path.startswith("/file/bot"):
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            return await self._serve_file(request, token, file_path)
        if path.startswith("/bot"):
            token, _, method = path.removeprefix("/bot").partition("/")
            return await self._serve_api(request, token, method)
        return web.json_response(not_found().body(), status=404)

    async def _serve_file(
        self, request: web.Request, token: str, file_path: str
    ) -> web.StreamResponse:
        """Downloads are recorded as ``downloadFile`` calls and honour faults aimed at
        ``downloadFile`` explicitly."""
        call = ApiCall(
            method="downloadFile",
            params={"file_path": file_path},
            timestamp=time.time(),
            http_method=request.method,
        )
        self.calls.append(call)
        delay = self.faults.take_delay(call.method)
        if delay > 0:
            await self.notifier.wait_for(lambda: self.hub.closing, delay)
        stored = self.world.files.at_path(file_path) if token == self.token else None
        error: ApiError | None = self.faults.take_failure(call.method, call.params)
        if error is None and stored is None:
            error = unauthorized() if token != self.token else not_found()
        if error is not None or stored is None:
            error = error or not_found()
            call.status, call.error = error.status, error.description
            self.notifier.notify()
            return web.json_response(error.body(), status=error.status)
        call.status = 200
        self.notifier.notify()
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _serve_api(self, request: web.Request, token: str, method: str) -> web.Response:
        call = ApiCall(method=method, params={}, timestamp=time.time(), http_method=request.method)
        self.calls.append(call)
        try:
            result = await self._answer(request, call, token)
        except ApiError as error:
            body = error.body()
            call.status, call.error = error.status, error.description
            call.retry_after = error.retry_after
        except Exception as exc:  # a bug in the fake: make it visible, answer 500
            log.exception("fakebot: internal error in %s", call.method)
            self.internal_errors.append(exc)
            internal = ApiError(500, f"Internal Server Error: fakebot bug: {exc!r}")
            body = internal.body()
            call.status, call.error = 500, internal.description
        else:
            body = {"ok": True, "result": result}
            call.status, call.result = 200, copy.deepcopy(result)
        finally:
            if call.status is None:  # cancelled (server shutting down)
                call.status, call.error = 499, "cancelled"
            self.notifier.notify()
        return web.json_response(body, status=call.status)

    async def _answer(self, request: web.Request, call: ApiCall, token: str) -> Any:
        try:
            values, files = await read_request(request)
        except web.HTTPException as exc:  # e.g. 413 for an oversized upload
            raise ApiError(exc.status, exc.reason) from exc
        call.params, call.files = values, files
        if token != self.token:
            raise unauthorized()
        stub = self._stubs.get(call.method.lower())
        entry = lookup(call.method)
        if stub is None and entry is None:
            raise not_found()
        call.method = stub[0] if stub is not None else entry[0] if entry is not None else ""
        delay = self.faults.take_delay(call.method)
        if delay > 0:
            await self.notifier.wait_for(lambda: self.hub.closing, delay)
        params = Params(values, files)
        paid = 0 if stub is not None else paid_messages(call.method, params)
        error = self.faults.rate_limited(call.method, paid=paid > 0) or self.faults.take_failure(
            call.method, values
        )
        if error is not None:
            raise error
        luck = self.faults.chaos.roll(call.method) if self.faults.chaos else None
        if isinstance(luck, ApiError):
            raise luck
        if luck is not None:  # dropped: silence past the client's patience, then nothing done
            await self.notifier.wait_for(lambda: self.hub.closing, luck)
            raise ApiError(504, "Gateway Timeout")
        if stub is not None:
            return copy.deepcopy(stub[1])
        assert entry is not None
        # Paid for before it is sent (a balance too low refuses it whole); given back if the
        # send fails after all, as Telegram charges only for messages sent.
        self._ctx.stars.charge(paid)
        try:
            return await entry[1](self._ctx, params)
        except BaseException:
            self._ctx.stars.refund(paid)
            raise

    # --- call record -----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        """All calls of ``method`` (case-insensitive), in arrival order."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def mark(self) -> int:
        """The current length of :attr:`calls`, for ``wait_for_call(..., since=...)``."""
        return len(self.calls)

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
        message: str = "",
    ) -> None:
        """Wait (event-driven) until ``predicate()`` holds; ``AssertionError`` on timeout."""
        if not await self.notifier.wait_for(predicate, timeout):
            raise AssertionError(message or f"condition not met within {timeout}s")

    async def wait_for_call(
        self,
        method: str,
        *,
        since: int = 0,
        where: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ApiCall:
        """The first answered call of ``method`` at index ``>= since`` matching ``where``."""

        def find() -> ApiCall | None:
            for call in self.calls[since:]:
                matches = call.done and call.method.lower() == method.lower()
                if matches and (where is None or where(call)):
                    return call
            return None

        if not await self.notifier.wait_for(lambda: find() is not None, timeout):
            recent = "\n  ".join(c.summary() for c in self.calls[since:][-15:]) or "(none)"
            raise AssertionError(
                f"no {method} call within {timeout}s; calls since mark:\n  {recent}"
            )
        found = find()
        assert found is not None
        return found

    def stub(self, method: str, result: Any = True) -> None:
        """Answer ``method`` with ``result`` (for methods the fake does not implement)."""
        self._stubs[method.lower()] = (method, result)

    # --- world -----------------------------------------------------------------------------

    def add_user(self, first_name: str, **options: Unpack[NewUser]) -> FakeUser:
        """A person with a private chat with the bot (ids from 100001 upward); ``options`` as
        for :meth:`World.add_user` (``language_code="en"`` unless given).

        ``started=False``: the user never opened the bot, so the bot cannot message them first.
        """
        record = self.world.add_user(first_name, **options)
        fake = FakeUser(self, record)
        self._fake_users[record.id] = fake
        return fake

    def user(self, user_id: int) -> FakeUser:
        """The :class:`FakeUser` created by :meth:`add_user`."""
        return self._fake_users[user_id]

    def add_group(
        self,
        title: str,
        *,
        supergroup: bool = True,
        username: str | None = None,
        owner: FakeUser | int | None = None,
        bot_status: str | None = "member",
    ) -> FakeChat:
        """A (super)group; the bot is a plain member unless ``bot_status`` says otherwise."""
        return self.world.add_chat(
            "supergroup" if supergroup else "group",
            title,
            username=username,
            owner_id=_user_id(owner),
            bot_status=bot_status,
        )

    def add_channel(
        self, title: str, username: str | None = None, *, owner: FakeUser | int | None = None
    ) -> FakeChat:
        """A channel; the bot is not a member until :meth:`set_chat_member` or
        :meth:`add_bot_to_channel`."""
        return self.world.add_chat("channel", title, username=username, owner_id=_user_id(owner))

    def set_chat_member(
        self, chat_id: int | FakeChat, user_id: int | FakeUser, status: str, **rights: Any
    ) -> None:
        """Set a membership silently (no update); ``rights`` are ``ChatMember`` fields."""
        self.world.set_member(_chat_id(chat_id), _required_user_id(user_id), status, **rights)

    def chat(self, chat_id: int) -> FakeChat:
        """A known chat."""
        return self.world.chat(chat_id)

    def messages(self, chat_id: int | FakeChat, *, include_deleted: bool = False) -> list[JSONDict]:
        """All messages of a chat (bot's and users'), current state, oldest first."""
        chat = self.world.chat(_chat_id(chat_id))
        return [
            m.view() for _, m in sorted(chat.messages.items()) if include_deleted or not m.deleted
        ]

    def message(self, chat_id: int | FakeChat, message_id: int) -> StoredMessage:
        """The stored message (including deleted ones; see ``.deleted``)."""
        return self.world.chat(_chat_id(chat_id)).messages[message_id]

    def bot_messages(self, chat_id: int | FakeChat) -> list[JSONDict]:
        """The bot's messages in a chat, current state, in sending order (deleted excluded)."""
        return [m.view() for m in self.world.chat(_chat_id(chat_id)).bot_messages()]

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The commands set for exactly ``(scope, language_code)`` (``[]`` if none)."""
        key = (self.world.scope_key(scope), language_code)
        return [dict(c) for c in self.world.commands.get(key, [])]

    def bot_text(self, kind: str, language_code: str = "") -> str | None:
        """Stored ``description``, ``short_description`` or ``name`` for a language."""
        return self.world.bot_texts.get((kind, language_code))

    @property
    def callback_answers(self) -> list[JSONDict]:
        """Every ``answerCallbackQuery`` accepted, in order."""
        return self.world.callback_answers

    # --- faults ----------------------------------------------------------------------------

    def fail(
        self,
        method: str | None = None,
        *,
        status: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """The next ``times`` matching calls fail.

        ``status`` defaults to 429 when ``retry_after`` is given, else 500. ``method=None``
        matches every method except ``getUpdates``; ``chat_id`` restricts to one chat.
        """
        self.faults.add_failure(
            method,
            status=status,
            description=description,
            retry_after=retry_after,
            times=times,
            chat_id=chat_id,
        )

    def delay(self, method: str | None, seconds: float, times: int | None = None) -> None:
        """Answer matching calls only after ``seconds`` (``times=None``: every call).

        The call still takes effect afterwards, like a real request that timed out on the
        client side but was processed by Telegram.
        """
        self.faults.add_delay(method, seconds, times)

    def forbid(
        self, chat_id: int | FakeChat, description: str = "bot was blocked by the user"
    ) -> None:
        """Sends to ``chat_id`` fail with ``403 Forbidden: <description>``."""
        self.world.forbidden[_chat_id(chat_id)] = f"{description}"

    def allow(self, chat_id: int | FakeChat) -> None:
        """Undo :meth:`forbid`."""
        self.world.forbidden.pop(_chat_id(chat_id), None)

    def rate_limit(self, per_second: float | None) -> None:
        """A global limit (all methods except ``getUpdates``, and sends paid for with
        ``allow_paid_broadcast``); excess calls get 429 with ``retry_after=1``. ``None``
        removes it."""
        self.faults.limiter = TokenBucket(per_second) if per_second else None

    def paid_rate_limit(self, per_second: float | None) -> None:
        """The limit of paid sends (``allow_paid_broadcast``), Telegram's 1,000 a second
        unless changed; excess paid sends get 429. ``None`` removes it."""
        self.faults.paid_limiter = TokenBucket(per_second) if per_second else None

    # --- the bot's Stars -------------------------------------------------------------------

    def set_star_balance(self, stars: float) -> None:
        """The bot's Telegram Stars (``getMyStarBalance``): what paid sends are charged to,
        0.1 Star a message; a paid send the balance cannot cover is refused (400)."""
        self._ctx.stars.set(stars)

    @property
    def star_balance(self) -> float:
        """The bot's Stars now, after what paid sends cost."""
        return self._ctx.stars.stars

    def chaos(
        self,
        method: str | None = None,
        *,
        retry_after_rate: float = 0.0,
        retry_after: int = 2,
        error_rate: float = 0.0,
        drop_rate: float = 0.0,
        drop_seconds: float = 5.0,
        seed: int = 0,
    ) -> None:
        """Random faults on matching calls: a share answered 429 (``retry_after``), a share 500,
        a share dropped (silence for ``drop_seconds``, then 504, the call not carried out).
        Seeded, so a failing run can be replayed."""
        self.faults.chaos = Chaos(
            method=method,
            retry_after_rate=retry_after_rate,
            retry_after=retry_after,
            error_rate=error_rate,
            drop_rate=drop_rate,
            drop_seconds=drop_seconds,
            rng=random.Random(seed),  # noqa: S311 - replayable test faults, not secrets
        )

    def clear_faults(self) -> None:
        """Remove all failures, delays, forbidden chats and the rate limit."""
        self.faults.clear()
        self.world.forbidden.clear()

    # --- updates ---------------------------------------------------------------------------

    def push_update(self, payload: JSONDict) -> JSONDict:
        """Queue (or push to the webhook) an update; ``update_id`` is assigned here."""
        return clone(self.hub.push(payload))

    @property
    def updates(self) -> list[JSONDict]:
        """Every update pushed so far."""
        return self.hub.history

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot."""
        return self.hub.pending

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every attempt to POST an update to the webhook."""
        return self._pusher.deliveries

    def deliver_message(self, stored: StoredMessage) -> JSONDict | None:
        """Push the update for a user-side message, unless privacy mode hides it."""
        chat = self.world.chat(stored.chat_id)
        if not builders.privacy_allows(self.world, chat, stored):
            self.suppressed.append(stored.view())
            self.notifier.notify()
            return None
        return self.push_update(builders.message_payload(chat, stored))

    def push_channel_post(self, channel: FakeChat | int, text: str) -> JSONDict:
        """A new post in a channel, delivered as ``channel_post`` if the bot is a member."""
        chat = self.world.chat(_chat_id(channel))
        stored = builders.channel_post(self.world, chat, text)
        if self.world.member(chat, self.world.bot.id).is_present:
            self.push_update(builders.message_payload(chat, stored))
        return stored.view()

    def push_callback_query(
        self, user: FakeUser | int, message: StoredMessage, data: str | None
    ) -> JSONDict:
        """A press of an inline button by ``user`` on a stored bot message."""
        record = self.world.user(_required_user_id(user))
        return self.push_update(builders.callback_query(self.world, record, message, data))

    def push_bot_membership(
        self, chat: FakeChat | int, *, by: FakeUser | int, status: str, **rights: Any
    ) -> JSONDict:
        """``by`` changes the bot's status in a group/channel; pushes ``my_chat_member``."""
        record = self.world.user(_required_user_id(by))
        target = self.world.chat(_chat_id(chat))
        return self.push_update(
            builders.bot_membership(self.world, target, record, status, **rights)
        )

    def add_bot_to_channel(
        self, channel: FakeChat | int, *, by: FakeUser | int, **rights: Any
    ) -> JSONDict:
        """The bot becomes a channel admin (can post/edit/delete unless overridden)."""
        return self.push_bot_membership(channel, by=by, status="administrator", **rights)

    def remove_bot_from_channel(self, channel: FakeChat | int, *, by: FakeUser | int) -> JSONDict:
        """The bot is removed from a channel (status ``left``)."""
        return self.push_bot_membership(channel, by=by, status="left")


def _chat_id(chat: int | FakeChat) -> int:
    return chat.id if isinstance(chat, FakeChat) else int(chat)


def _user_id(user: Any) -> int | None:
    if user is None:
        return None
    return int(user if isinstance(user, int) else user.id)


def _required_user_id(user: Any) -> int:
    found = _user_id(user)
    if found is None:
        raise ValueError("a user is required")
    return found
