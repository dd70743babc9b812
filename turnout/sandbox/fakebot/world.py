"""The fake server's model of Telegram: users, chats, memberships, messages and files."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from .errors import BLOCKED_BY_USER, bad_request, chat_not_found, forbidden
from .files import FileStore
from .jsonutil import JSONDict, canonical, clone
from .members import Member, make_member, member_dict

FIRST_USER_ID = 100001
FIRST_SUPERGROUP_ID = -1001000000001
FIRST_GROUP_ID = -500000001


@dataclass
class UserRecord:
    """A Telegram account (a person, or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    bot_flags: JSONDict = field(default_factory=dict)

    def names(self) -> JSONDict:
        """``first_name``, and ``last_name`` and ``username`` where set: as both the ``User``
        object and the user's private ``Chat`` carry them."""
        data: JSONDict = {"first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def to_dict(self) -> JSONDict:
        """The ``User`` object."""
        data: JSONDict = {"id": self.id, "is_bot": self.is_bot, **self.names()}
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class StoredMessage:
    """A message in a chat, as the fake server keeps it.

    ``data`` is the current Telegram ``Message`` object (what the Bot API returns). Test-facing
    copies come from :meth:`view`, which additionally keeps what Telegram would not echo back:
    the raw ``parse_mode`` and the ``reply_markup`` exactly as sent (reply keyboards included).
    """

    chat_id: int
    message_id: int
    data: JSONDict
    from_bot: bool
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    options: JSONDict = field(default_factory=dict)
    deleted: bool = False
    sent: JSONDict = field(default_factory=dict)
    history: list[JSONDict] = field(default_factory=list)

    def view(self) -> JSONDict:
        """A deep copy for tests: the message plus raw ``parse_mode`` and ``reply_markup``."""
        data = clone(self.data)
        if self.parse_mode:
            data["parse_mode"] = self.parse_mode
        if self.reply_markup is not None:
            data["reply_markup"] = clone(self.reply_markup)
        return data

    @property
    def text(self) -> str | None:
        """The text, or the caption of a media message."""
        value = self.data.get("text", self.data.get("caption"))
        return value if isinstance(value, str) else None


@dataclass
class FakeChat:
    """A chat: private (id == user id), group, supergroup or channel."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user: UserRecord | None = None
    description: str | None = None
    members: dict[int, Member] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    bot_log: list[int] = field(default_factory=list)
    """Ids of the messages the bot sent here, in sending order."""
    edit_log: list[tuple[int, JSONDict]] = field(default_factory=list)
    """``(message_id, view)`` after every successful edit of a message here."""
    blocked: bool = False
    """For private chats: the user blocked the bot."""
    started: bool = True
    """For private chats: the user has talked to the bot (else the bot cannot write first)."""
    pinned_message_id: int | None = None

    def to_dict(self) -> JSONDict:
        """The ``Chat`` object."""
        data: JSONDict = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data.update(self.user.names())
        else:
            data["title"] = self.title
            if self.username:
                data["username"] = self.username
        return data

    def full_info(self) -> JSONDict:
        """The ``ChatFullInfo`` object returned by ``getChat``."""
        data = self.to_dict()
        data.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if self.description:
            data["description"] = self.description
        if self.pinned_message_id is not None:
            pinned = self.messages.get(self.pinned_message_id)
            if pinned is not None and not pinned.deleted:
                data["pinned_message"] = clone(pinned.data)
        return data

    def bot_messages(self, *, include_deleted: bool = False) -> list[StoredMessage]:
        """The bot's messages here, in sending order."""
        found = [self.messages[mid] for mid in self.bot_log]
        return [m for m in found if include_deleted or not m.deleted]


class NewUser(TypedDict, total=False):
    """The options of :meth:`World.add_user`, which ``FakeTelegram.add_user`` passes on: their
    defaults stay in one place."""

    language_code: str | None
    username: str | None
    user_id: int | None
    last_name: str | None
    started: bool


class World:
    """Users, chats, memberships, messages, files, commands and other bot settings."""

    def __init__(self, bot: UserRecord, clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.clock = clock
        """The time of message dates (the sandbox moves it forward for demos)."""
        self.users: dict[int, UserRecord] = {bot.id: bot}
        self.chats: dict[int, FakeChat] = {}
        self.files = FileStore()
        self.forbidden: dict[int, str] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        """``(kind, language_code) -> text`` for ``name``/``description``/``short_description``."""
        self.callback_queries: dict[str, JSONDict] = {}
        self.callback_answers: list[JSONDict] = []
        self._user_ids = itertools.count(FIRST_USER_ID)
        self.on_bot_message: Callable[[int], None] = lambda chat_id: None
        """Called with the chat id whenever the bot's message is stored there."""
        self.watchers: list[Callable[[int], None]] = []
        """Called with the chat id after any message there is stored, edited or deleted."""
        self.first_message_id = 1
        """Where every new chat's message ids start (the sandbox starts above old ones)."""
        self._supergroup_ids = itertools.count(-FIRST_SUPERGROUP_ID)
        self._group_ids = itertools.count(-FIRST_GROUP_ID)

    # --- users and chats -------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        language_code: str | None = "en",
        username: str | None = None,
        user_id: int | None = None,
        last_name: str | None = None,
        started: bool = True,
    ) -> UserRecord:
        """Create a person and their private chat with the bot.

        With ``started=False`` the user never opened the bot: sends to them fail with
        ``403 Forbidden: bot can't initiate conversation with a user`` until they write.
        """
        if user_id is None:
            user_id = next(self._user_ids)
            while user_id in self.users:
                user_id = next(self._user_ids)
        elif user_id in self.users:
            raise ValueError(f"user {user_id} already exists")
        user = UserRecord(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user_id] = user
        chat = FakeChat(
            id=user_id,
            type="private",
            user=user,
            started=started,
            next_message_id=self.first_message_id,
        )
        chat.members[user_id] = make_member("member", "private")
        chat.members[self.bot.id] = make_member("member", "private")
        self.chats[user_id] = chat
        return user

    def add_chat(
        self,
        chat_type: str,
        title: str,
        *,
        username: str | None = None,
        chat_id: int | None = None,
        owner_id: int | None = None,
        bot_status: str | None = None,
    ) -> FakeChat:
        """Create a group, supergroup or channel (negative id)."""
        if chat_type not in {"group", "supergroup", "channel"}:
            raise ValueError(f"unknown chat type {chat_type!r}")
        if chat_id is None:
            counter = self._group_ids if chat_type == "group" else self._supergroup_ids
            chat_id = -next(counter)
        if chat_id in self.chats:
            raise ValueError(f"chat {chat_id} already exists")
        chat = FakeChat(
            id=chat_id,
            type=chat_type,
            title=title,
            username=username,
            next_message_id=self.first_message_id,
        )
        self.chats[chat_id] = chat
        if owner_id is not None:
            self.user(owner_id)
            chat.members[owner_id] = make_member("creator", chat_type)
        if bot_status is not None:
            chat.members[self.bot.id] = make_member(bot_status, chat_type)
        return chat

    def user(self, user_id: int) -> UserRecord:
        """A known user (or the bot); raises ``KeyError`` with a clear message otherwise."""
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"no such user {user_id}; add it with add_user()") from None

    def chat(self, chat_id: int) -> FakeChat:
        """A known chat; raises ``KeyError`` with a clear message otherwise."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"no such chat {chat_id}") from None

    def find_chat(self, ref: int | str) -> FakeChat | None:
        """Resolve an id or ``@username`` (usernames only for groups and channels)."""
        if isinstance(ref, str) and ref.lstrip("-").isdigit():
            ref = int(ref)
        if isinstance(ref, int):
            return self.chats.get(ref)
        name = ref.removeprefix("@").lower()
        for chat in self.chats.values():
            if chat.type != "private" and chat.username and chat.username.lower() == name:
                return chat
        return None

    def resolve(self, ref: int | str) -> FakeChat:
        """Like :meth:`find_chat` but raises ``Bad Request: chat not found``."""
        chat = self.find_chat(ref)
        if chat is None:
            raise chat_not_found()
        return chat

    # --- membership ------------------------------------------------------------------------

    def member(self, chat: FakeChat, user_id: int) -> Member:
        """The membership of ``user_id`` in ``chat`` (``left`` when unknown)."""
        if chat.type == "private" and user_id == self.bot.id and chat.blocked:
            return make_member("kicked", "private")
        return chat.members.get(user_id) or make_member("left", chat.type)

    def set_member(self, chat_id: int, user_id: int, status: str, **rights: Any) -> Member:
        """Set a membership; ``rights`` are ``ChatMember`` fields such as ``can_post_messages``."""
        chat = self.chat(chat_id)
        self.user(user_id)
        custom_title = rights.pop("custom_title", None)
        member = make_member(status, chat.type, custom_title=custom_title, **rights)
        chat.members[user_id] = member
        return member

    def member_dict(self, chat: FakeChat, user_id: int) -> JSONDict:
        """The ``ChatMember`` object of ``user_id`` in ``chat``."""
        return member_dict(self.member(chat, user_id), self.user(user_id).to_dict())

    def check_can_send(self, chat: FakeChat) -> None:
        """Raise the error Telegram gives when the bot may not post into ``chat``."""
        if chat.id in self.forbidden:
            raise forbidden(self.forbidden[chat.id])
        if chat.type == "private":
            if chat.blocked:
                raise forbidden(BLOCKED_BY_USER)
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        bot = self.member(chat, self.bot.id)
        if chat.type == "channel":
            if not bot.is_present:
                raise forbidden("bot is not a member of the channel chat")
            if not bot.right("can_post_messages"):
                raise bad_request("need administrator rights in the channel chat")
            return
        if bot.status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if not bot.is_present:
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        if bot.status == "restricted" and not bot.right("can_send_messages"):
            raise bad_request("not enough rights to send text messages to the chat")

    # --- messages --------------------------------------------------------------------------

    def store_message(
        self,
        chat: FakeChat,
        content: JSONDict,
        *,
        sender: UserRecord | None,
        from_bot: bool = False,
        parse_mode: str | None = None,
        reply_markup: JSONDict | None = None,
        options: JSONDict | None = None,
        date: int | None = None,
    ) -> StoredMessage:
        """Store a new message in ``chat`` with the next message id and return it.

        ``sender=None`` posts as the chat itself (channel posts).
        """
        message_id = chat.next_message_id
        chat.next_message_id += 1
        data: JSONDict = {"message_id": message_id}
        if sender is not None:
            data["from"] = sender.to_dict()
        if chat.type == "channel" or sender is None:
            data["sender_chat"] = chat.to_dict()
        data["chat"] = chat.to_dict()
        data["date"] = int(self.clock()) if date is None else date
        data.update(content)
        if chat.type == "private" and sender is not None and sender.id == chat.id:
            chat.started = True
        if reply_markup is not None and "inline_keyboard" in reply_markup:
            data["reply_markup"] = clone(reply_markup)
        stored = StoredMessage(
            chat_id=chat.id,
            message_id=message_id,
            data=data,
            from_bot=from_bot,
            parse_mode=parse_mode,
            reply_markup=clone(reply_markup) if reply_markup is not None else None,
            options=dict(options or {}),
        )
        stored.sent = stored.view()
        chat.messages[message_id] = stored
        if from_bot:
            chat.bot_log.append(message_id)
            self.on_bot_message(chat.id)
        self.changed(chat.id)
        return stored

    def message(self, chat: FakeChat, message_id: int) -> StoredMessage | None:
        """A message that exists (was not deleted)."""
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            return None
        return stored

    def record_edit(self, chat: FakeChat, stored: StoredMessage) -> None:
        """Stamp ``edit_date`` and log the edit for the scenario helpers."""
        stored.data["edit_date"] = int(self.clock())
        view = stored.view()
        stored.history.append(view)
        chat.edit_log.append((stored.message_id, clone(view)))
        self.changed(chat.id)

    def record_deletion(self, chat: FakeChat, stored: StoredMessage) -> None:
        """Mark a message deleted (it stays stored, for the scenario helpers)."""
        stored.deleted = True
        self.changed(chat.id)

    def changed(self, chat_id: int) -> None:
        """Tell the watchers (the sandbox page) that a chat's messages changed."""
        for watcher in self.watchers:
            watcher(chat_id)

    # --- bot settings ----------------------------------------------------------------------

    @staticmethod
    def scope_key(scope: JSONDict | None) -> str:
        """A canonical key for a ``BotCommandScope`` (``None`` means ``default``)."""
        return canonical(scope or {"type": "default"})
