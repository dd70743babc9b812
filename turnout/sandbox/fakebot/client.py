"""``FakeUser``: act as a person talking to the bot, and wait for what the bot answers."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Protocol

from . import builders
from .calls import ApiCall
from .jsonutil import JSONDict, clone
from .notifier import Notifier
from .world import FakeChat, StoredMessage, UserRecord, World


class Server(Protocol):
    """What a ``FakeUser`` uses of the server it is bound to (a ``FakeTelegram``)."""

    world: World
    notifier: Notifier
    calls: list[ApiCall]
    internal_errors: list[BaseException]

    @property
    def pending_updates(self) -> list[JSONDict]: ...

    def push_update(self, payload: JSONDict) -> JSONDict: ...

    def deliver_message(self, stored: StoredMessage) -> JSONDict | None: ...

    def push_callback_query(
        self, user: Any, message: StoredMessage, data: str | None
    ) -> JSONDict: ...


def _preview(message: JSONDict) -> str:
    text = message.get("text", message.get("caption"))
    if text is None:
        kinds = [k for k in ("photo", "video", "document", "location", "voice") if k in message]
        text = f"<{kinds[0] if kinds else 'message'}>"
    text = str(text)
    return repr(text if len(text) <= 70 else text[:67] + "...")


def _buttons(message: JSONDict) -> list[JSONDict]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or []
    return [button for row in rows for button in row if isinstance(button, dict)]


_ALBUMS = itertools.count(1)


class FakeUser:
    """A person bound to a fake Telegram server; created by ``FakeTelegram.add_user``.

    Waiting methods keep a cursor per user: :meth:`reply` returns each bot message once, in
    the order the bot sent them, as they looked when sent. :attr:`inbox` shows the current
    state (after edits/deletions). Waiting is event-driven (no sleep polling).
    """

    def __init__(self, server: Server, record: UserRecord) -> None:
        self.server = server
        self.record = record
        self._reply_cursor = 0
        self._edit_cursor = 0
        self._answer_cursor = 0
        self._query_ids: set[str] = set()

    def __repr__(self) -> str:
        return f"FakeUser({self.record.first_name!r}, id={self.id})"

    # --- identity --------------------------------------------------------------------------

    @property
    def id(self) -> int:
        """The Telegram user id."""
        return self.record.id

    @property
    def chat_id(self) -> int:
        """The private chat id (equal to the user id)."""
        return self.record.id

    @property
    def first_name(self) -> str:
        """The first name."""
        return self.record.first_name

    @property
    def username(self) -> str | None:
        """The @username, if any."""
        return self.record.username

    @property
    def language_code(self) -> str | None:
        """The client language."""
        return self.record.language_code

    @property
    def chat(self) -> FakeChat:
        """The private chat with the bot."""
        return self.server.world.chat(self.id)

    def to_dict(self) -> JSONDict:
        """The ``User`` object."""
        return self.record.to_dict()

    # --- acting ----------------------------------------------------------------------------

    def _target(self, chat: FakeChat | int | None) -> FakeChat:
        if chat is None:
            return self.chat
        found = self.server.world.chat(chat.id if isinstance(chat, FakeChat) else chat)
        if found.type != "private" and not self.server.world.member(found, self.id).is_present:
            raise AssertionError(f"{self} is not a member of chat {found.id} ({found.title})")
        return found

    async def _deliver(self, stored: StoredMessage) -> JSONDict:
        chat = self.server.world.chat(stored.chat_id)
        if chat.type == "private" and chat.blocked:
            await self.unblock_bot()
        self.server.deliver_message(stored)
        await asyncio.sleep(0)
        return stored.view()

    async def send(
        self,
        text: str,
        *,
        chat: FakeChat | int | None = None,
        reply_to: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Send a text message (``/commands`` get a ``bot_command`` entity); returns it.

        A user who blocked the bot unblocks it first, as the Telegram app does.
        """
        target = self._target(chat)
        stored = builders.text_message(
            self.server.world, self.record, target, text, reply_to=reply_to, entities=entities
        )
        return await self._deliver(stored)

    async def send_photo(
        self,
        caption: str | None = None,
        *,
        content: bytes | None = None,
        chat: FakeChat | int | None = None,
        caption_entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Send a photo (its sizes can be fetched with ``getFile``); returns the message."""
        target = self._target(chat)
        stored = builders.photo_message(
            self.server.world,
            self.record,
            target,
            caption=caption,
            content=content,
            caption_entities=caption_entities,
        )
        return await self._deliver(stored)

    async def send_document(
        self,
        content: bytes,
        *,
        file_name: str = "photo.jpg",
        mime_type: str = "image/jpeg",
        caption: str | None = None,
        chat: FakeChat | int | None = None,
        caption_entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Send a file as a document (as phones do with "send as file"); returns the message."""
        return await self._send_file(
            "document", content, file_name, mime_type, caption, chat, caption_entities
        )

    async def send_video(
        self, content: bytes, *, caption: str | None = None, chat: FakeChat | int | None = None
    ) -> JSONDict:
        """Send a video (as the apps do, not as a file); returns the message."""
        return await self._send_file("video", content, "video.mp4", "video/mp4", caption, chat)

    async def _send_file(
        self,
        kind: str,
        content: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None,
        chat: FakeChat | int | None,
        caption_entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        target = self._target(chat)
        stored = builders.document_message(
            self.server.world,
            self.record,
            target,
            content,
            file_name=file_name,
            mime_type=mime_type,
            caption=caption,
            kind=kind,
            caption_entities=caption_entities,
        )
        return await self._deliver(stored)

    async def send_album(
        self, count: int, caption: str | None = None, *, chat: FakeChat | int | None = None
    ) -> list[JSONDict]:
        """Send ``count`` photos as one album: separate messages sharing a ``media_group_id``,
        the caption on the first, as Telegram delivers albums to bots."""
        target = self._target(chat)
        group = f"album{next(_ALBUMS)}"
        sent = []
        for index in range(count):
            stored = builders.photo_message(
                self.server.world,
                self.record,
                target,
                caption=caption if index == 0 else None,
                media_group_id=group,
            )
            sent.append(await self._deliver(stored))
        return sent

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        chat: FakeChat | int | None = None,
        live_period: int | None = None,
    ) -> JSONDict:
        """Share a location (a live one with ``live_period``); returns the message."""
        target = self._target(chat)
        stored = builders.location_message(
            self.server.world, self.record, target, latitude, longitude, live_period
        )
        return await self._deliver(stored)

    async def forward_from_channel(
        self,
        channel: FakeChat | int,
        *,
        text: str | None = None,
        message_id: int | None = None,
    ) -> JSONDict:
        """Forward a channel post to the bot (``forward_origin`` of type ``channel``)."""
        world = self.server.world
        source = world.chat(channel.id if isinstance(channel, FakeChat) else channel)
        stored = builders.forwarded_channel_post(
            world, self.record, self.chat, source, text=text, message_id=message_id
        )
        return await self._deliver(stored)

    async def block_bot(self) -> JSONDict:
        """Block the bot: sends fail with 403 and a ``my_chat_member`` (member → kicked) update
        is pushed. Returns the update."""
        if self.chat.blocked:
            raise AssertionError(f"{self} has already blocked the bot")
        update = self.server.push_update(
            builders.block(self.server.world, self.record, blocked=True)
        )
        await asyncio.sleep(0)
        return update

    async def unblock_bot(self) -> JSONDict:
        """Unblock the bot (``my_chat_member`` kicked → member). Returns the update."""
        if not self.chat.blocked:
            raise AssertionError(f"{self} has not blocked the bot")
        update = self.server.push_update(
            builders.block(self.server.world, self.record, blocked=False)
        )
        await asyncio.sleep(0)
        return update

    def _stored(self, message: JSONDict | StoredMessage | None) -> StoredMessage:
        world = self.server.world
        if isinstance(message, StoredMessage):
            return message
        if message is None:
            found = self.chat.bot_messages()
            if not found:
                raise AssertionError(f"the bot has sent no message to {self}")
            return found[-1]
        chat = world.chat(int(message["chat"]["id"]))
        stored = chat.messages.get(int(message["message_id"]))
        if stored is None:
            raise AssertionError(f"no message {message['message_id']} in chat {chat.id}")
        return stored

    async def press(
        self, label: str, *, message: JSONDict | StoredMessage | None = None
    ) -> JSONDict:
        """Press the inline button labelled ``label`` on the newest bot message that has one
        (or on ``message``); pushes the ``callback_query`` update and returns it."""
        candidates = (
            [self._stored(message)] if message is not None else self.chat.bot_messages()[::-1]
        )
        for stored in candidates:
            if stored.deleted:
                continue
            for button in _buttons(stored.data):
                if button.get("text") == label:
                    if "callback_data" not in button:
                        raise AssertionError(
                            f"button {label!r} of message {stored.message_id} is not a "
                            f"callback button: {button}"
                        )
                    return await self.press_data(str(button["callback_data"]), stored)
        raise AssertionError(
            f"{self}: no inline button labelled {label!r}. Available:\n  "
            + self._describe_keyboards(candidates)
        )

    @staticmethod
    def _describe_keyboards(candidates: list[StoredMessage]) -> str:
        lines = [
            f"message {m.message_id} {_preview(m.data)}: "
            f"{[b.get('text') for b in _buttons(m.data)]}"
            for m in candidates
            if _buttons(m.data) and not m.deleted
        ]
        return "\n  ".join(lines[:8]) or "(no bot message with an inline keyboard)"

    async def press_data(
        self, data: str | None, message: JSONDict | StoredMessage | None = None
    ) -> JSONDict:
        """Send a ``callback_query`` with arbitrary (possibly forged) ``data`` for ``message``
        (default: the newest bot message in the private chat). Returns the update."""
        stored = self._stored(message)
        update = self.server.push_callback_query(self.id, stored, data)
        self._query_ids.add(str(update["callback_query"]["id"]))
        await asyncio.sleep(0)
        return update

    # --- observing -------------------------------------------------------------------------

    @property
    def inbox(self) -> list[JSONDict]:
        """All bot messages in the private chat, current state (edits applied, deleted
        messages left out), in sending order."""
        return [m.view() for m in self.chat.bot_messages()]

    async def reply(self, timeout: float = 5.0) -> JSONDict:  # noqa: ASYNC109
        """The next bot message to this user not returned before, as it was sent."""
        return (await self.replies(1, timeout=timeout))[0]

    async def replies(self, n: int, timeout: float = 5.0) -> list[JSONDict]:  # noqa: ASYNC109
        """The next ``n`` bot messages (waiting up to ``timeout`` in total)."""
        chat = self.chat
        start = self._reply_cursor
        if not await self.server.notifier.wait_for(
            lambda: len(chat.bot_log) >= start + n, timeout, topic=chat.id
        ):
            got = len(chat.bot_log) - start
            raise AssertionError(self._diagnose(f"{n} new message(s) (got {got})", timeout))
        ids = chat.bot_log[start : start + n]
        self._reply_cursor = start + n
        return [clone(chat.messages[mid].sent) for mid in ids]

    async def no_reply(self, within: float = 0.5) -> None:
        """Assert the bot sends nothing new to this user within ``within`` seconds."""
        chat = self.chat
        start = self._reply_cursor
        if await self.server.notifier.wait_for(lambda: len(chat.bot_log) > start, within):
            unexpected = [chat.messages[mid].sent for mid in chat.bot_log[start:]]
            raise AssertionError(
                f"{self} expected no reply, but the bot sent: "
                + ", ".join(_preview(m) for m in unexpected)
            )

    async def edit(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        of: JSONDict | None = None,
    ) -> JSONDict:
        """The next edit of a bot message in the private chat (the message after the edit);
        with ``of``, the next edit of that message, passing over edits of others."""
        chat = self.chat
        start = self._edit_cursor
        wanted = None if of is None else of["message_id"]

        def found() -> int | None:
            for index in range(start, len(chat.edit_log)):
                if wanted is None or chat.edit_log[index][0] == wanted:
                    return index
            return None

        if not await self.server.notifier.wait_for(lambda: found() is not None, timeout):
            raise AssertionError(self._diagnose("message edit", timeout))
        index = found()
        assert index is not None
        self._edit_cursor = index + 1
        return clone(chat.edit_log[index][1])

    def _answers(self) -> list[JSONDict]:
        return [
            answer
            for answer in self.server.world.callback_answers
            if answer["callback_query_id"] in self._query_ids
        ]

    async def callback_answer(self, timeout: float = 5.0) -> JSONDict:  # noqa: ASYNC109
        """The next ``answerCallbackQuery`` parameters for this user's presses."""
        start = self._answer_cursor
        if not await self.server.notifier.wait_for(lambda: len(self._answers()) > start, timeout):
            raise AssertionError(self._diagnose("answerCallbackQuery", timeout))
        self._answer_cursor = start + 1
        return dict(self._answers()[start])

    def _diagnose(self, what: str, timeout: float) -> str:
        server = self.server
        chat = self.chat
        lines = [f"{self} got no {what} from the bot within {timeout}s."]
        sent = [chat.messages[mid] for mid in chat.bot_log]
        lines.append(
            "Bot messages in this chat: "
            + (
                ", ".join(f"#{m.message_id} {_preview(m.sent)}" for m in sent[-8:])
                if sent
                else "none"
            )
        )
        related: list[str] = []
        for call in server.calls:
            if call.method == "getUpdates":
                continue
            if call.chat_id in {self.id, str(self.id)} or not call.ok:
                related.append(call.summary())
        lines.append("API calls for this chat / failed calls (latest last):")
        lines.extend(f"  {line}" for line in related[-15:] or ["(none)"])
        if server.pending_updates:
            lines.append(
                f"{len(server.pending_updates)} update(s) still pending (not fetched by the bot"
                " - is it polling / is the webhook set?)"
            )
        if server.internal_errors:
            lines.append(f"fakebot internal errors: {server.internal_errors!r}")
        return "\n".join(lines)
