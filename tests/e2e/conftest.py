"""End-to-end fixtures: the production application, over real HTTP, against the fake Bot API.

``bot`` starts the very ``build_application`` + ``serve`` that ``turnout run`` uses, in long
polling mode, or in webhook mode for tests marked ``@pytest.mark.parametrize("mode", ...)``.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from turnout.bot.application import build_application
from turnout.bot.jobs import TurnoutApplication
from turnout.bot.runner import serve
from turnout.config import Settings, load_settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Store, cipher
from turnout.usecases.services import Services

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"
OWNER_ID = 4242
#: Every end-to-end test runs twice: on a plain database, and on one encrypted with this key
#: (SQLCipher). 64 hex digits are a raw key, opened without stretching: the tests read the
#: database through a connection of their own many times a second.
DATABASE_KEY = "5f3c" * 16
KEY_VARIABLE = "TURNOUT_DATABASE_KEY"


@pytest.fixture(autouse=True, params=["plain", "encrypted"])
def database_key(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The key of this run, in the environment, where the settings (and ``environment``, for
    a ``turnout`` process) read it."""
    if request.param == "encrypted":
        monkeypatch.setenv(KEY_VARIABLE, DATABASE_KEY)
        return DATABASE_KEY
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    return None


def current_key() -> str | None:
    return os.environ.get(KEY_VARIABLE)


def connect(path: Path) -> sqlite3.Connection:
    """A connection of the test's own to a bot's database, plain or encrypted."""
    return cipher.connect(path, current_key())


async def open_store(path: Path) -> Store:
    return await Store.open(path, key=current_key())


@dataclass
class Clock:
    """The bot's clock: real time, which a test can move forward (an invite that expires)."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


@dataclass
class RunningBot:
    application: TurnoutApplication
    settings: Settings
    telegram: FakeTelegram
    clock: Clock

    @property
    def db_path(self) -> Path:
        return self.settings.database

    @property
    def services(self) -> Services:
        return self.application.bot_data.services

    async def skip(self, delta: timedelta) -> None:
        """Time passes, as the sandbox's "Skip ahead" makes it: the clock moves on, and the
        scheduler looks at what fell due at once."""
        self.clock.advance(delta)
        await self.wake_planner()

    async def wake_planner(self) -> None:
        await self.services.hooks.planner_changed()

    async def outbox_idle(self) -> None:
        """Wait until the outbox has sent (or given up on) everything it was given."""
        await eventually(
            lambda: (
                not self.rows(
                    "SELECT 1 FROM deliveries WHERE status IN ('pending', 'claimed') LIMIT 1"
                )
            ),
            "the outbox idle",
            timeout=10,
        )

    async def menu_of(self, user: FakeUser, *, expect: str) -> list[str]:
        """The commands in a user's own menu, once it holds ``expect`` (menus follow replies)."""
        scope = {"type": "chat", "chat_id": user.id}

        def names() -> list[str]:
            return [entry["command"] for entry in self.telegram.commands(scope)]

        await self.telegram.wait_until(
            lambda: expect in names(), message=f"/{expect} never reached {user}'s menu"
        )
        return names()

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Read the bot's database as it is on disk, through a separate connection."""
        with closing(connect(self.settings.database)) as db, db:
            return db.execute(sql, params).fetchall()

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to prove that a refused request wrote nothing. The inbox
        is left out: every update passes through it, refused or not."""
        with closing(connect(self.settings.database)) as db, db:
            names = [
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
                if name != "inbox"
            ]
            return {
                name: db.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall() for name in names
            }


async def eventually(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Wait for a change that leaves no trace at the fake server (a database write, say)."""
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)
    assert check(), what


def environment(**settings: str) -> dict[str, str]:
    """The environment of a ``turnout`` process: these settings, and none from the caller."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("TURNOUT_")}
    if current_key() is not None:  # this run's key (``database_key``)
        env[KEY_VARIABLE] = str(current_key())
    env.update({f"TURNOUT_{name.upper()}": value for name, value in settings.items()})
    return env


def webhook_settings(port: int) -> dict[str, Any]:
    """Webhook mode on a local port, with the tests' secret."""
    return {
        "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
        "webhook_secret": "e2e-webhook-secret",
    }


async def start_turnout(env: dict[str, str]) -> asyncio.subprocess.Process:
    """``turnout run`` in a process of its own (one a test can kill -9), quiet."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "turnout",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def mode() -> str:
    """How updates reach the bot; tests parametrize it to run in webhook mode too."""
    return "polling"


@pytest.fixture
def make_settings(telegram: FakeTelegram, tmp_path: Path, mode: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "owner_ids": (OWNER_ID,),
            "database": tmp_path / "data" / "turnout.db",
            "api_base_url": telegram.base_url,
            "api_file_url": telegram.base_file_url,
            # Owners' notices come every few seconds and would land among the replies a test
            # reads as the owner; tests/e2e/test_owner_notices.py turns them on.
            "owner_notices": False,
        }
        if mode == "webhook":
            values |= webhook_settings(free_port())
        return load_settings(**(values | overrides))

    return make


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test module needs changed; override this fixture there."""
    return {}


@pytest.fixture
async def bot(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    settings_overrides: dict[str, Any],
) -> AsyncIterator[RunningBot]:
    settings = make_settings(**settings_overrides)
    async with running(settings, clock, telegram) as started_bot:
        yield started_bot


@asynccontextmanager
async def running(
    settings: Settings, clock: Clock, telegram: FakeTelegram
) -> AsyncIterator[RunningBot]:
    """The application as ``turnout run`` runs it, from start-up to a clean stop."""
    application = build_application(settings, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(application, settings, stop))
    async with asyncio.timeout(10):
        while not (application.running or task.done()):
            await asyncio.sleep(0.01)
    if task.done():
        task.result()  # start-up failed: show why
    try:
        yield RunningBot(application, settings, telegram, clock)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


@pytest.fixture
def owner(telegram: FakeTelegram) -> FakeUser:
    return telegram.add_user("Olga", user_id=OWNER_ID)


@pytest.fixture
def ana(telegram: FakeTelegram) -> FakeUser:
    return telegram.add_user("Ana")


@pytest.fixture
def ben(telegram: FakeTelegram) -> FakeUser:
    return telegram.add_user("Ben", language_code="de")


async def started(user: FakeUser) -> dict[str, Any]:
    """Open the bot as the user, and return its greeting."""
    await user.send("/start")
    return await user.reply()


def text_of(message: dict[str, Any]) -> str:
    """The text as sent: with its HTML markup when the bot used parse_mode HTML."""
    return str(message.get("text") or message.get("caption") or "")


def shown(message: dict[str, Any]) -> str:
    """The text as a person sees it in Telegram: markup rendered away, entities decoded."""
    text = text_of(message)
    if str(message.get("parse_mode", "")).upper() == "HTML":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def button_data(message: dict[str, Any], label: str) -> str:
    """The data of a button as the message showed it when it arrived (its keyboard may be
    gone since: a screen not yet refreshed still shows it)."""
    rows = message["reply_markup"]["inline_keyboard"]
    return str(next(b["callback_data"] for row in rows for b in row if b["text"] == label))
