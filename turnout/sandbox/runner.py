"""``turnout sandbox``: the fake server, the real bot against it, and the page, in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from turnout.bot.application import build_application
from turnout.bot.jobs import TurnoutApplication
from turnout.bot.runner import serve
from turnout.config import Settings, load_settings
from turnout.sandbox import demo
from turnout.sandbox.clock import SandboxClock, clock_path, describe, load_offset, save_offset
from turnout.sandbox.fakebot import FakeTelegram
from turnout.sandbox.fakebot.lifecycle import StartStop
from turnout.sandbox.web.app import SandboxWeb
from turnout.storage import Store
from turnout.storage.lock import DatabaseInUse, DatabaseLock

log = logging.getLogger(__name__)

# Made up, of the right shape: the fake server accepts only this one.
SANDBOX_TOKEN = "100000001:SandboxTokenNotARealTelegramToken01"  # noqa: S105 - not a secret
DEFAULT_PORT = 8080
# A folder of its own: the bot's heartbeat file sits next to its database, and a sandbox must
# not make a stopped production bot look alive to ``turnout healthcheck``.
DEFAULT_DATABASE = Path("data/sandbox/sandbox.db")
# How long the bot may take to start polling before the sandbox gives up.
START_TIMEOUT = 30.0


class PortInUse(Exception):
    """The page's port cannot be listened on (in use, or not allowed)."""


@dataclass(frozen=True)
class SandboxOptions:
    port: int = DEFAULT_PORT
    database: Path = DEFAULT_DATABASE
    reset: bool = False
    host: str = "127.0.0.1"
    """Only this computer: the page has no login, and acts as anyone."""


class Sandbox(StartStop):
    """Start with ``async with Sandbox(options) as sandbox:``; the page is at ``sandbox.url``."""

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.clock = SandboxClock()
        self.lock = DatabaseLock(
            options.database,
            holder="another sandbox",
            advice="stop it, or give this one another --database",
        )
        self.telegram = FakeTelegram(
            SANDBOX_TOKEN,
            bot_username=demo.BOT_USERNAME,
            bot_first_name=demo.BOT_NAME,
            clock=self.clock.timestamp,
        )
        # Some Stars, so that a paid broadcast (TURNOUT_PAID_BROADCAST_RATE) can be tried here.
        self.telegram.set_star_balance(demo.STARS)
        self.application: TurnoutApplication | None = None
        self.settings: Settings | None = None
        self._stop = asyncio.Event()
        self._bot: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self._web_app: SandboxWeb | None = None
        self.port = options.port

    @property
    def url(self) -> str:
        return f"http://{self.options.host}:{self.port}/"

    async def start(self) -> None:
        # First, before ``--reset`` may delete anything: the database may be another's.
        await asyncio.to_thread(self.lock.acquire)
        try:
            await self.telegram.start()
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        if self.options.reset:
            await asyncio.to_thread(wipe, self.options.database)
        self.settings = load_settings(
            bot_token=SANDBOX_TOKEN,
            api_base_url=self.telegram.base_url,
            api_file_url=self.telegram.base_file_url,
            database=self.options.database,
            owner_ids=(demo.OWNER.id,),
            review_chat_id=demo.REVIEW_GROUP_ID,
            webhook_url=None,
            # The sandbox's own demo database: never the real one's key, never its backups.
            database_key=None,
            database_key_file=None,
            backup_dir=None,
        )
        await self._prepare(self.settings)
        demo.populate(self.telegram)
        await self._open_page()
        await self._start_bot(self.settings)

    async def _open_page(self) -> None:
        self._web_app = SandboxWeb(self.telegram, self.clock, self._after_skip)
        runner = web.AppRunner(self._web_app.application(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._web = runner
        site = web.TCPSite(runner, self.options.host, self.options.port)
        try:
            await site.start()
        except OSError as error:
            raise PortInUse(
                f"cannot listen on {self.options.host}:{self.options.port}: {error}"
            ) from error
        self.port = int(runner.addresses[0][1])
        self._web_app.serve_at(self.port)

    async def _prepare(self, settings: Settings) -> None:
        """Seed a new database with the demo. The fake server is new at every start: its
        message ids begin above every id the database remembers, so a call posted in an
        earlier run can never be edited into a message of this one, and its update ids above
        those the bot's inbox remembers, which it would take for updates seen before."""
        new = not await asyncio.to_thread(settings.database.exists)
        await self._resume_clock(settings.database, new=new)
        store = await Store.open(settings.database)
        seeded = False
        try:
            if new:
                await demo.seed(store, settings, self.clock.now())
                log.info("sandbox: the demo is written to %s", settings.database)
            seeded = True
            self.telegram.world.first_message_id = await store.highest_message_id() + 1
            self.telegram.hub.continue_after(await store.highest_update_id())
        finally:
            await store.close()
            if new and not seeded:
                # Half a demo would never be completed (the file exists now): start again.
                await asyncio.to_thread(wipe, settings.database)

    async def _resume_clock(self, database: Path, *, new: bool) -> None:
        """Take the clock up where the last run on this database left it. A new database
        starts a new demo, at the real time, whatever an older file says."""
        saved = clock_path(database)
        if new:
            await asyncio.to_thread(saved.unlink, missing_ok=True)
            return
        self.clock.offset = await asyncio.to_thread(load_offset, saved)
        if self.clock.offset:
            log.info(
                "sandbox: the clock resumes %s ahead of the real time", describe(self.clock.offset)
            )

    async def _start_bot(self, settings: Settings) -> None:
        """The production application, started as ``turnout run`` starts it; returns once it
        runs."""
        self.application = build_application(settings, clock=self.clock.now)
        application = self.application
        self._bot = asyncio.create_task(serve(application, settings, self._stop))
        async with asyncio.timeout(START_TIMEOUT):
            # ``running`` turns true once the application and its job queue have started.
            while not application.running:
                if self._bot.done():  # it stopped while starting: its exception says why
                    self._bot.result()
                    raise RuntimeError("the bot stopped while starting")
                await asyncio.sleep(0.02)

    async def _after_skip(self) -> None:
        """The clock jumped: keep it for the next run, and plan what fell due now rather than
        at the old time."""
        await asyncio.to_thread(save_offset, clock_path(self.options.database), self.clock.offset)
        application = self.application
        if application is None:
            return
        services = application.bot_data.services
        await services.hooks.planner_changed()
        services.outbox.wake()

    async def stop(self) -> None:
        if self._web_app is not None:
            self._web_app.feed.close()
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        self._stop.set()
        if self._bot is not None:
            with contextlib.suppress(Exception):
                await self._bot
            self._bot = None
        await self.telegram.stop()
        self.lock.release()

    def request_stop(self) -> None:
        """Ask the bot to stop; :meth:`wait` returns once it has."""
        self._stop.set()

    async def wait(self) -> None:
        """Until the bot stops (a signal, or a failure)."""
        if self._bot is not None:
            await asyncio.shield(self._bot)


def wipe(database: Path) -> None:
    """Delete the sandbox database (SQLite's journal files next to it, and the clock's offset);
    not its lock, which the sandbox holds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    clock_path(database).unlink(missing_ok=True)


def run_sandbox(options: SandboxOptions) -> None:
    """Serve until SIGINT or SIGTERM. Another sandbox on the database ends this one at once,
    with one line saying so and exit code 1."""

    async def main() -> None:
        async with Sandbox(options) as sandbox:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, sandbox.request_stop)
            print(
                f"Turnout sandbox: open {sandbox.url} in your browser (Ctrl+C stops it)", flush=True
            )
            if sandbox.clock.offset:
                print(
                    f"Its clock is {describe(sandbox.clock.offset)} ahead, as the last run left it"
                    " (--reset starts again from the demo, at the real time)",
                    flush=True,
                )
            await sandbox.wait()

    try:
        asyncio.run(main())
    except DatabaseInUse as error:
        # The exit status and the line on stderr that ``sys.exit(message)`` gives.
        raise SystemExit(f"turnout: sandbox: {error}") from None
