"""The command line: ``turnout run | migrate | check-config | healthcheck | deliveries |
export | backup | restore | db encrypt | db decrypt``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import multiprocessing
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError

from turnout import __version__
from turnout.bot.application import build_application
from turnout.bot.health import heartbeat_path, is_alive
from turnout.bot.logs import RedactingFilter, configure_logging
from turnout.bot.runner import run as run_bot
from turnout.config import (
    ENV_PREFIX,
    MIN_KEY_LENGTH,
    TELEGRAM_API,
    ConfigError,
    Settings,
    load_settings,
    unknown_settings,
)
from turnout.export import ExportError
from turnout.export.archive import ExportRequest, write_export
from turnout.export.downloads import bot_fetcher
from turnout.i18n import Catalogs
from turnout.sandbox.runner import (
    DEFAULT_DATABASE,
    DEFAULT_PORT,
    SANDBOX_TOKEN,
    PortInUse,
    SandboxOptions,
    run_sandbox,
)
from turnout.storage import StorageError, Store, WrongKey, cipher
from turnout.storage.backup import make_backup, restore_backup
from turnout.storage.convert import decrypt_in_place, encrypt_in_place
from turnout.storage.lock import DatabaseInUse, DatabaseLock
from turnout.usecases.exports import audit_export

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_STORAGE = 3
KEY_SETTINGS = f"{ENV_PREFIX}DATABASE_KEY or {ENV_PREFIX}DATABASE_KEY_FILE"

log = logging.getLogger("turnout")


def main(argv: Sequence[str] | None = None) -> int:
    # A bundled build starts the gazetteer's child process through this entry point.
    multiprocessing.freeze_support()
    # Opt in to python-telegram-bot's coming behaviour (durations as timedelta), which the code
    # already handles, instead of a deprecation warning on every flood wait.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(
        prog="turnout", description="Turnout: a Telegram bot for mobilisation coordination."
    )
    parser.add_argument("--version", action="version", version=f"turnout {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot (long polling, or a webhook if configured)")
    commands.add_parser("migrate", help="create or upgrade the database, then exit")
    commands.add_parser("check-config", help="validate the settings and print them, masked")
    commands.add_parser("healthcheck", help="exit 0 if the running bot's heartbeat is recent")
    commands.add_parser("deliveries", help="outbox counts per purpose, and the last errors")
    export = commands.add_parser(
        "export", help="write the reports, RSVPs (and media, with a token) to a ZIP file"
    )
    export.add_argument("--out", type=Path, required=True, help="the ZIP file to write")
    only = export.add_mutually_exclusive_group()
    only.add_argument("--action", type=int, help="only the reports and RSVPs of this action")
    only.add_argument("--campaign", help="only the actions of this campaign (by name)")
    export.add_argument(
        "--originals",
        action="store_true",
        help="with TURNOUT_BLUR_FACES=export: keep the photos and videos as sent, faces uncovered",
    )
    backup = commands.add_parser(
        "backup", help="write an encrypted copy of the database (while the bot runs, too)"
    )
    backup.add_argument("file", type=Path, help="the backup file to write (age format)")
    restore = commands.add_parser(
        "restore", help="put a backup back in the database's place (with the bot stopped)"
    )
    restore.add_argument("file", type=Path, help="the backup file to restore")
    database = commands.add_parser(
        "db", help="encrypt or decrypt the database in place (with the bot stopped)"
    )
    database.add_argument(
        "conversion",
        choices=("encrypt", "decrypt"),
        help="encrypt: with TURNOUT_DATABASE_KEY; decrypt: back to a plain SQLite file",
    )
    sandbox = commands.add_parser(
        "sandbox", help="try the bot in a browser: a local stand-in for Telegram, no token needed"
    )
    sandbox.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the page's port (default {DEFAULT_PORT})"
    )
    sandbox.add_argument(
        "--database",
        type=Path,
        default=DEFAULT_DATABASE,
        help=f"the sandbox's own database (default {DEFAULT_DATABASE})",
    )
    sandbox.add_argument("--reset", action="store_true", help="start again from the demo")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "sandbox":
            return sandbox_command(arguments.port, arguments.database, reset=arguments.reset)
        if arguments.command != "healthcheck":  # asked by a machine, which reads no warning
            warn_about_unknown_settings()
        settings = load_settings(require_token=arguments.command in ("run", "check-config"))
        try:
            return _command(arguments, settings)
        except BadRequest:
            raise  # a NetworkError by inheritance only: Telegram refused a request (a bug)
        except (InvalidToken, NetworkError) as error:
            return _telegram_refused(error, settings)
    except ConfigError as error:
        for problem in error.problems:
            print(f"turnout: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except WrongKey as error:
        print(f"turnout: {error} ({KEY_SETTINGS})", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseInUse as error:
        print(f"turnout: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except StorageError as error:
        print(f"turnout: database: {error}", file=sys.stderr)
        return EXIT_STORAGE
    except ExportError as error:
        print(f"turnout: export: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:
        # Through the log, never a bare traceback: an error can quote a request's URL, which
        # holds the token, and only the log handler redacts it.
        log.critical("turnout stopped: %s", error, exc_info=True)
        return EXIT_FAILURE


def _command(arguments: argparse.Namespace, settings: Settings) -> int:
    if arguments.command == "check-config":
        return check_config(settings)
    if arguments.command == "healthcheck":
        return 0 if is_alive(heartbeat_path(settings)) else 1
    _configure_logging(settings)
    if arguments.command == "run":
        # The bot asks Telegram who it is before it opens the database: a key that does not fit
        # is said first, in one line (the other commands hear it from ``Store.open``).
        cipher.check_key(settings.database, settings.key())
        if cipher.file_state(settings.database) != "missing":
            cipher.connect(settings.database, settings.key()).close()
    if arguments.command == "backup":
        return backup_command(settings, arguments.file)
    if arguments.command == "restore":
        return restore_command(settings, arguments.file)
    if arguments.command == "db":
        return convert_command(settings, arguments.conversion)
    if arguments.command == "migrate":
        return asyncio.run(migrate(settings))
    if arguments.command == "deliveries":
        return asyncio.run(deliveries(settings))
    if arguments.command == "export":
        return asyncio.run(
            export_zip(
                settings,
                arguments.out,
                arguments.action,
                arguments.campaign,
                originals=arguments.originals,
            )
        )
    return run(settings)


def warn_about_unknown_settings() -> None:
    """A misspelled setting is ignored by the settings; say so before anything else is said."""
    for unknown in unknown_settings():
        print(f"turnout: warning: {unknown}", file=sys.stderr)


def _telegram_refused(error: InvalidToken | NetworkError, settings: Settings) -> int:
    """One line for the two ways Telegram stops the bot from starting (or running): the token
    is refused, or Telegram cannot be reached. The traceback helps nobody who has to fix a
    token or a network, so it is logged at DEBUG only."""
    log.debug("turnout stopped: %s", error, exc_info=error)
    where = "Telegram" if settings.api_base_url == TELEGRAM_API else settings.api_base_url
    if isinstance(error, InvalidToken):
        shown = dict(settings.describe())[f"{ENV_PREFIX}BOT_TOKEN"]
        message = (
            f"{ENV_PREFIX}BOT_TOKEN: {where} rejected the token {shown}; check it with @BotFather"
        )
        if where != "Telegram":
            message += f", or {ENV_PREFIX}API_BASE_URL"
        code = EXIT_CONFIG
    else:
        message = (
            f"cannot reach {where} ({error.message}); check the network or {ENV_PREFIX}API_BASE_URL"
        )
        code = EXIT_FAILURE
    # The message is built here, but the error's own words could quote a URL with the token.
    print(f"turnout: {RedactingFilter(settings.secrets()).redact(message)}", file=sys.stderr)
    return code


def check_config(settings: Settings) -> int:
    width = max(len(name) for name, _ in settings.describe())
    for name, value in settings.describe():
        print(f"{name.ljust(width)}  {value}")
    return 0


async def migrate(settings: Settings) -> int:
    store = await Store.open(settings.database, key=settings.key())
    version = await store.schema_version()
    await store.close()
    print(f"{settings.database}: schema version {version}")
    return 0


async def deliveries(settings: Settings) -> int:
    """What the outbox holds: one line per purpose, then the most recent failures."""
    store = await Store.open(settings.database, key=settings.key())
    try:
        counts = await store.delivery_counts()
        failures = await store.delivery_failures(limit=10)
    finally:
        await store.close()
    columns = ("pending", "claimed", "sent", "failed", "skipped")
    width = max([len("purpose"), *(len(c.purpose) for c in counts)])
    print("purpose".ljust(width), *(name.rjust(8) for name in columns))
    for row in counts:
        print(row.purpose.ljust(width), *(str(getattr(row, name)).rjust(8) for name in columns))
    if not counts:
        print("(the outbox is empty)")
    if failures:
        print("\nlast errors:")
        for failure in failures:
            when = f"{failure.updated_at:%Y-%m-%d %H:%M} UTC"
            print(f"  {when}  {failure.purpose}  chat {failure.chat_id}: {failure.last_error}")
    return 0


async def export_zip(
    settings: Settings,
    out: Path,
    action_id: int | None,
    campaign_name: str | None = None,
    *,
    originals: bool = False,
) -> int:
    """What ``/export`` makes, from the command line; media only when a token is set (their
    faces covered with ``TURNOUT_BLUR_FACES=export``, unless ``originals``)."""
    store = await Store.open(settings.database, key=settings.key())
    try:
        catalogs = Catalogs(settings.default_language)
        t = catalogs.translator(settings.default_language)
        action = await store.action(action_id) if action_id is not None else None
        if action_id is not None and action is None:
            print(f"turnout: there is no action {action_id}", file=sys.stderr)
            return EXIT_FAILURE
        campaign = await store.campaign_named(campaign_name) if campaign_name else None
        if campaign_name and campaign is None:
            print(f"turnout: there is no campaign {campaign_name!r}", file=sys.stderr)
            return EXIT_FAILURE
        if campaign is not None:
            title = t("export.title_campaign", name=campaign.name)
        elif action is not None:
            title = t("export.title_action", title=action.title)
        else:
            title = t("export.title_all")
        request = ExportRequest(
            action_id, t, settings.timezone, title, campaign_id=campaign.id if campaign else None
        )
        if settings.bot_token is None:
            result = await write_export(store, out, request)
        else:
            bot = Bot(
                settings.token, base_url=settings.api_base_url, base_file_url=settings.api_file_url
            )
            async with bot:
                cover = settings.blur_exported and not originals
                request = replace(request, fetch=bot_fetcher(bot), cover_faces=cover)
                result = await write_export(store, out, request)
        # Audited as /export is, with no actor: the owners are told the command line exported.
        asked = originals and settings.blur_exported
        await audit_export(store, datetime.now(UTC), None, request, originals=asked)
    finally:
        await store.close()
    # The command line speaks English, as its other messages do.
    en = catalogs.translator("en")
    counts = ", ".join(
        [
            en.plural("count.reports", result.reports),
            en.plural("count.rsvps", result.rsvps),
            en.plural("count.files", result.files),
        ]
    )
    size = f"{result.size / 1024 / 1024:.1f} MB"
    print(f"{result.path}: {counts} ({result.left_out} left out), {size}")
    if request.cover_faces:
        print(en.plural("export.faces_covered", result.faces))
    elif originals and settings.blur_exported and request.fetch is not None:
        print(en("export.originals_warning"))
    return 0


def run(settings: Settings) -> int:
    # Held while the bot runs: ``restore`` and ``db encrypt`` refuse to replace the file.
    lock = DatabaseLock(settings.database)
    lock.acquire()
    try:
        application = build_application(settings)
        run_bot(application, settings)
    finally:
        lock.release()
    return 0


def backup_command(settings: Settings, out: Path) -> int:
    """An encrypted copy, made while the bot may be running (SQLite's online backup)."""
    secret = _backup_secret(settings, confirm=True)
    size = make_backup(settings.database, settings.key(), secret, out)
    print(f"{out}: {size / 1024 / 1024:.1f} MB, encrypted (age)")
    return 0


def restore_command(settings: Settings, backup: Path) -> int:
    """The database of a backup put in place, after checking it; never under a running bot."""
    lock = DatabaseLock(settings.database, advice="stop the bot before restoring")
    lock.acquire()
    try:
        secret = _backup_secret(settings, confirm=False)
        restored = restore_backup(backup, settings.database, settings.key(), secret)
    finally:
        lock.release()
    print(
        f"{settings.database}: restored from {backup} (schema version "
        f"{restored.schema_version}); start the bot to go on"
    )
    if restored.replaced is not None:
        print(
            f"the database it replaced is kept as {restored.replaced}: delete it once the "
            "restore is right (it holds what the backup does not, /forgetme's deletions too)"
        )
    return 0


def convert_command(settings: Settings, conversion: str) -> int:
    """The database encrypted with the key, or decrypted, in place; never under a running bot."""
    key = settings.key()
    if key is None:
        raise ConfigError(
            f"{ENV_PREFIX}DATABASE_KEY (or {ENV_PREFIX}DATABASE_KEY_FILE): set the key to "
            f"{conversion} the database with"
        )
    lock = DatabaseLock(settings.database, advice=f"stop the bot before you {conversion}")
    lock.acquire()
    try:
        if conversion == "encrypt":
            converted = encrypt_in_place(settings.database, key)
            after = "keep the key set from now on, and away from the backups"
        else:
            converted = decrypt_in_place(settings.database, key)
            after = f"unset {KEY_SETTINGS} before the next start"
    finally:
        lock.release()
    print(
        f"{settings.database}: {conversion}ed ({converted.tables} tables, "
        f"{converted.rows} rows); {after}"
    )
    return 0


def _backup_secret(settings: Settings, *, confirm: bool) -> str:
    """The database key; for a plain database the backup passphrase, asked at the terminal
    when it is not set (twice when writing, so that a typo does not make a lost backup)."""
    secret = settings.backup_secret()
    if secret is not None:
        return secret
    if not sys.stdin.isatty():
        raise ConfigError(
            f"{ENV_PREFIX}BACKUP_PASSPHRASE: backups are encrypted; set it (or "
            f"{ENV_PREFIX}DATABASE_KEY), or run this at a terminal to type it"
        )
    typed = getpass.getpass("Backup passphrase: ")
    if len(typed) < MIN_KEY_LENGTH:
        raise ConfigError(f"the passphrase is too short: use at least {MIN_KEY_LENGTH} characters")
    if confirm and getpass.getpass("Again: ") != typed:
        raise ConfigError("the two passphrases differ; nothing was written")
    return typed


def sandbox_command(port: int, database: Path, *, reset: bool) -> int:
    configure_logging("INFO", "text", [SANDBOX_TOKEN])
    # The terminal shows what the bot does, not each job the scheduler books for it.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        run_sandbox(SandboxOptions(port=port, database=database, reset=reset))
    except PortInUse as error:
        print(f"turnout: sandbox: {error}; try another --port", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def _configure_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format, settings.secrets())


if __name__ == "__main__":
    sys.exit(main())
