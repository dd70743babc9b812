"""The sandbox page's HTTP side: the static client, its JSON API, files and live events.

Every action goes through :class:`~turnout.sandbox.fakebot.FakeUser`, exactly as an end-to-end
test acts as a person: the bot sees ordinary Telegram updates and cannot tell the difference.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from importlib import resources
from typing import Any
from urllib.parse import quote

from aiohttp import web
from PIL import Image, ImageOps, UnidentifiedImageError

from turnout.sandbox.clock import MAX_SKIP, SandboxClock
from turnout.sandbox.demo import PERSONAS
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.sandbox.fakebot.builders import command_entities
from turnout.sandbox.fakebot.world import FakeChat
from turnout.sandbox.web import formatting, render
from turnout.sandbox.web.events import EventFeed

JSON = dict[str, Any]
SkipHook = Callable[[], Awaitable[None]]

MAX_UPLOAD = 20 * 1024 * 1024
MAX_SKIP_MINUTES = int(MAX_SKIP.total_seconds() // 60)
# Telegram re-encodes photos (not files) as JPEG of at most 2560 px, without metadata.
PHOTO_SIDE = 2560
# How long a button press waits for the bot's answer (the toast), as the app's spinner does.
ANSWER_WAIT = 3.0
STATIC = resources.files("turnout.sandbox.web") / "static"
# Nothing on the page may load from elsewhere, whatever a message contains.
_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


class BadInput(Exception):
    """A request the page should not have made; answered 400 with the reason."""


class SandboxWeb:
    """The aiohttp application behind ``http://127.0.0.1:<port>``."""

    def __init__(
        self,
        telegram: FakeTelegram,
        clock: SandboxClock,
        on_skip: SkipHook,
        feed: EventFeed | None = None,
    ) -> None:
        self.telegram = telegram
        self.clock = clock
        self.on_skip = on_skip
        self.feed = feed or EventFeed()
        telegram.world.watchers.append(self.feed.chat_changed)
        self.origins: frozenset[str] = frozenset()
        """Where the page is served from (set once the port is known)."""

    def serve_at(self, port: int) -> None:
        self.origins = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})

    def application(self) -> web.Application:
        app = web.Application(
            client_max_size=MAX_UPLOAD + 1024 * 1024, middlewares=[self._same_origin, _errors]
        )
        app.router.add_get("/", self.index)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/api/state", self.state)
        app.router.add_get("/api/personas/{persona}/chats", self.chats)
        app.router.add_get("/api/personas/{persona}/commands", self.commands)
        app.router.add_get("/api/chats/{chat}/messages", self.messages)
        app.router.add_get("/api/events", self.feed.stream)
        app.router.add_post("/api/send", self.send)
        app.router.add_post("/api/press", self.press)
        app.router.add_post("/api/upload", self.upload)
        app.router.add_post("/api/location", self.location)
        app.router.add_post("/api/skip", self.skip)
        app.router.add_get("/files/{file_id}", self.file)
        return app

    @web.middleware
    async def _same_origin(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Only this computer's own page may use the sandbox: it acts as anyone, without a
        login. Another name for the address (DNS rebinding) gets nothing, and so does a POST
        from another site, which browsers send with its ``Origin``."""
        if request.host not in self.origins:
            raise web.HTTPMisdirectedRequest(text="Open the sandbox at its own address.")
        origin = request.headers.get("Origin")
        foreign = origin is not None and origin.removeprefix("http://") not in self.origins
        if request.method != "GET" and foreign:
            raise web.HTTPForbidden(text="Requests from other sites are refused.")
        return await handler(request)

    # --- the page --------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        return _static_file("index.html")

    async def static(self, request: web.Request) -> web.Response:
        return _static_file(request.match_info["name"])

    # --- reading ---------------------------------------------------------------------------

    async def state(self, request: web.Request) -> web.Response:
        bot = self.telegram.world.bot
        return web.json_response(
            {
                "bot": {"id": bot.id, "username": bot.username, "name": bot.first_name},
                "personas": [
                    {"id": persona.id, "name": persona.name, "role": persona.role}
                    for persona in PERSONAS
                ],
                "clock": self.clock_state(),
            }
        )

    async def chats(self, request: web.Request) -> web.Response:
        person = self._persona(request.match_info["persona"])
        return web.json_response(
            {
                "chats": [
                    {**_chat(chat, self._bot_name), **render.preview(chat)}
                    for chat in self._chats_of(person)
                ]
            }
        )

    async def commands(self, request: web.Request) -> web.Response:
        person = self._persona(request.match_info["persona"])
        return web.json_response({"commands": self._menu(person)})

    async def messages(self, request: web.Request) -> web.Response:
        person = self._persona(request.query.get("as", ""))
        chat = self._chat_of(person, request.match_info["chat"])
        world = self.telegram.world
        return web.json_response(
            {
                "chat": _chat(chat, self._bot_name),
                "can_send": chat.type != "channel",
                "messages": render.messages(world, chat, person.id),
            }
        )

    async def file(self, request: web.Request) -> web.Response:
        stored = self.telegram.world.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        headers = {
            "Cache-Control": "private, max-age=3600",
            # A file a member sent is shown, never run: no sniffing it into HTML, no scripts.
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        }
        if stored.kind not in ("photo", "video", "animation", "sticker"):
            headers["Content-Disposition"] = attachment(stored.file_name or "file")
        return web.Response(
            body=stored.content,
            content_type=stored.mime_type or "application/octet-stream",
            headers=headers,
        )

    # --- acting ----------------------------------------------------------------------------

    async def send(self, request: web.Request) -> web.Response:
        """A text, with the formatting the composer gave it (``entities``, as in the Bot API)."""
        body = await _json(request)
        person, chat = self._acting(body)
        text, entities = _formatted(str(body.get("text", "")), body.get("entities"))
        if not text:
            raise BadInput("Type a message first.")
        if len(text) > 4096:
            raise BadInput("A message can be at most 4096 characters long.")
        # Telegram marks a command whatever else the text has; without formatting the fake
        # server does so itself.
        marked = [*command_entities(text), *entities] if entities else None
        await person.send(text, chat=chat.id, entities=marked)
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        body = await _json(request)
        person, chat = self._acting(body, channel_ok=True)
        stored = self.telegram.world.message(chat, _int(body.get("message_id")))
        if stored is None or not stored.from_bot:
            raise BadInput("That message is gone.")
        data = body.get("data")
        if not isinstance(data, str) or not any(
            button.get("callback") == data
            for row in render.keyboard(stored.data.get("reply_markup"), "")
            for button in row
        ):
            raise BadInput("That button is gone.")
        update = await person.press_data(data, stored)
        query_id = str(update["callback_query"]["id"])
        answers = self.telegram.callback_answers

        def answered() -> JSON | None:
            return next((a for a in answers if str(a.get("callback_query_id")) == query_id), None)

        await self.telegram.notifier.wait_for(lambda: answered() is not None, ANSWER_WAIT)
        answer = answered()
        return web.json_response(
            {
                "answer": None
                if answer is None
                else {
                    "text": answer.get("text"),
                    "show_alert": bool(answer.get("show_alert")),
                    "url": answer.get("url"),
                }
            }
        )

    async def upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        person, chat = self._acting(dict(form))
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise BadInput("Choose a file to send.")
        content = upload.file.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise BadInput("Files up to 20 MB can be sent here.")
        caption, entities = _formatted(str(form.get("caption") or ""), form.get("entities"))
        if len(caption) > 1024:
            raise BadInput("A caption can be at most 1024 characters long.")
        if form.get("mode") == "photo":
            photo = await asyncio.to_thread(as_photo, content)  # Pillow, off the event loop
            await person.send_photo(
                caption or None, content=photo, chat=chat.id, caption_entities=entities
            )
        else:
            mime = upload.content_type or "application/octet-stream"
            name = upload.filename or "file"
            await person.send_document(
                content,
                file_name=name,
                mime_type=mime,
                caption=caption or None,
                chat=chat.id,
                caption_entities=entities,
            )
        return web.json_response({"ok": True})

    async def location(self, request: web.Request) -> web.Response:
        body = await _json(request)
        person, chat = self._acting(body)
        try:
            latitude, longitude = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            raise BadInput("A location needs a latitude and a longitude.") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise BadInput("Latitude goes from -90 to 90, longitude from -180 to 180.")
        await person.send_location(latitude, longitude, chat=chat.id)
        return web.json_response({"ok": True})

    async def skip(self, request: web.Request) -> web.Response:
        body = await _json(request)
        minutes = _int(body.get("minutes"))
        if not 0 < minutes <= MAX_SKIP_MINUTES:
            raise BadInput(f"Skip ahead by 1 to {MAX_SKIP_MINUTES} minutes.")
        try:
            self.clock.skip(timedelta(minutes=minutes))
        except ValueError as error:  # as far ahead as it goes
            raise BadInput(str(error)) from None
        await self.on_skip()
        self.feed.publish("clock", self.clock_state())
        return web.json_response({"clock": self.clock_state()})

    def clock_state(self) -> JSON:
        return {
            "now": self.clock.now().isoformat(timespec="seconds"),
            "offset_minutes": int(self.clock.offset.total_seconds() // 60),
        }

    # --- who and where ---------------------------------------------------------------------

    @property
    def _bot_name(self) -> str:
        return self.telegram.world.bot.first_name

    def _persona(self, raw: Any) -> FakeUser:
        wanted = _int(raw)
        if wanted not in {persona.id for persona in PERSONAS}:
            raise BadInput("No such person in the sandbox.")
        return self.telegram.user(wanted)

    def _chats_of(self, person: FakeUser) -> list[FakeChat]:
        """The private chat with the bot, then the groups and channels they are in."""
        world = self.telegram.world
        shared = [
            chat
            for chat in world.chats.values()
            if chat.type != "private" and world.member(chat, person.id).is_present
        ]
        return [person.chat, *sorted(shared, key=lambda chat: chat.id, reverse=True)]

    def _chat_of(self, person: FakeUser, raw: Any) -> FakeChat:
        wanted = _int(raw)
        for chat in self._chats_of(person):
            if chat.id == wanted:
                return chat
        raise BadInput("That chat is not one of theirs.")

    def _acting(
        self, body: dict[str, Any], *, channel_ok: bool = False
    ) -> tuple[FakeUser, FakeChat]:
        person = self._persona(body.get("as"))
        chat = self._chat_of(person, body.get("chat_id"))
        if chat.type == "channel" and not channel_ok:
            raise BadInput("Only the bot posts in this channel.")
        return person, chat

    def _menu(self, person: FakeUser) -> list[JSON]:
        """The command menu Telegram would show them: the most specific scope that is set, in
        their language if there is one for it (Bot API ``setMyCommands`` rules)."""
        language = person.language_code or ""
        scopes: list[JSON | None] = [
            {"type": "chat", "chat_id": person.id},
            {"type": "all_private_chats"},
            None,
        ]
        for scope in scopes:
            for code in (language, ""):
                found = self.telegram.commands(scope, code)
                if found:
                    return found
        return []


def as_photo(content: bytes) -> bytes:
    """What Telegram keeps of a photo: a JPEG of at most 2560 px, without metadata."""
    try:
        with Image.open(io.BytesIO(content)) as opened:
            upright = ImageOps.exif_transpose(opened)
            upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise BadInput("That is not an image; send it as a file instead.") from None
    return out.getvalue()


def attachment(name: str) -> str:
    """A Content-Disposition for any file name: an ASCII fallback, and the name itself
    (RFC 6266 ``filename*``)."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _chat(chat: FakeChat, bot_name: str) -> JSON:
    """A chat as the list shows it; the private chat is named after the bot, as in the app."""
    title = bot_name if chat.type == "private" else chat.title or ""
    return {"id": chat.id, "type": chat.type, "title": title}


def _static_file(name: str) -> web.Response:
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or suffix not in _TYPES:
        raise web.HTTPNotFound()
    path = STATIC / name
    if not path.is_file():
        raise web.HTTPNotFound()
    return web.Response(
        body=path.read_bytes(),
        content_type=_TYPES[suffix],
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "Content-Security-Policy": _POLICY},
    )


async def _json(request: web.Request) -> dict[str, Any]:
    # JSON only: a form or text/plain POST is what a foreign page could send without asking.
    if request.content_type != "application/json":
        raise BadInput("The request was not JSON.")
    try:
        body = await request.json()
    except ValueError:
        raise BadInput("The request was not JSON.") from None
    if not isinstance(body, dict):
        raise BadInput("The request was not a JSON object.")
    return body


def _formatted(typed: str, raw: Any) -> tuple[str, list[JSON]]:
    """The text without surrounding space, and its entities, checked (a form sends them as a
    JSON string)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw else None
        except ValueError:
            raise BadInput("The formatting was not JSON.") from None
    try:
        return formatting.strip(typed, formatting.read(raw, typed))
    except formatting.BadFormatting as error:
        raise BadInput(str(error)) from None


def _int(raw: Any) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise BadInput(f"Not a number: {str(raw)[:20]!r}.") from None


@web.middleware
async def _errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except BadInput as error:
        return web.json_response({"error": str(error)}, status=400)
