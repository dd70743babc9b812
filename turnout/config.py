"""Every setting of Turnout, read from the environment (prefix ``TURNOUT_``) or a ``.env`` file.

Settings are built once in ``__main__`` and passed down; nothing imports a global settings object.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    SettingsConfigDict,
)

from turnout.faces import model as face_model

ENV_PREFIX = "TURNOUT_"
TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"
#: Telegram's ceiling for a bot that pays for its broadcasts (``allow_paid_broadcast``).
PAID_CEILING = 1000.0
#: Seconds of a broadcast the outbox keeps in flight at the paid rate: Telegram answers in about
#: a tenth of a second from a server in Europe, so 1,000 a second needs some 100-200 under way.
PAID_LOOKAHEAD = 0.2

_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_MISSING_TOKEN = f"{ENV_PREFIX}BOT_TOKEN: missing (the token @BotFather gave you)"


class ConfigError(Exception):
    """Settings are missing or invalid: one problem per setting, each naming it on one line."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_duration(text: str) -> timedelta:
    """Read a duration written as a number and a unit: ``15m``, ``2h``, ``1d``."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a duration like 15m, 2h or 1d")
    amount, unit = match.groups()
    if int(amount) == 0:
        raise ValueError("a duration must be more than zero")
    try:
        return timedelta(**{_UNITS[unit]: int(amount)})
    except OverflowError:
        raise ValueError(f"{text.strip()!r} is longer than any duration can be") from None


def format_duration(delta: timedelta) -> str:
    """Write a duration back in the form ``parse_duration`` reads, in its largest whole unit."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes >= 2 * 24 * 60:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _split(value: Any) -> Any:
    """Lists come comma-separated (``111,222``); a lone value or an empty string works too."""
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


#: A passphrase shorter than this is refused: the database key guards every member's identity.
MIN_KEY_LENGTH = 12


@dataclass(frozen=True)
class BroadcastApproval:
    """``TURNOUT_BROADCAST_APPROVAL``: which calls wait for a second person's approval before
    they go out. ``off`` (none), ``channels`` (any call to a channel), a number (a call to more
    subscribers than that), or both, comma-separated (``channels,500``)."""

    channels: bool = False
    subscribers_over: int | None = None

    @classmethod
    def parse(cls, value: str | int) -> BroadcastApproval:
        channels = False
        over: int | None = None
        for part in _split(value):
            word = str(part).strip().lower()
            if word == "off":
                continue
            if word == "channels":
                channels = True
            elif word.isdigit():
                over = int(word)
            else:
                raise ValueError(f"{part!r} is not off, channels or a number of subscribers")
        return cls(channels, over)

    @property
    def enabled(self) -> bool:
        return self.channels or self.subscribers_over is not None

    def applies(self, *, channels: int, subscribers: int) -> bool:
        """Whether a call to ``channels`` linked channels and ``subscribers`` subscribers
        needs a second person's approval."""
        if self.channels and channels > 0:
            return True
        return self.subscribers_over is not None and subscribers > self.subscribers_over

    def __str__(self) -> str:
        parts = (["channels"] if self.channels else []) + (
            [str(self.subscribers_over)] if self.subscribers_over is not None else []
        )
        return ",".join(parts) or "off"


class Settings(BaseSettings):
    """Every setting of the README's "Configuration", validated. Field ``x`` is read from
    ``TURNOUT_X``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    bot_token: SecretStr | None = None
    owner_ids: Annotated[tuple[int, ...], NoDecode] = ()
    database: Path = Path("data/turnout.db")
    api_base_url: str = TELEGRAM_API
    api_file_url: str = TELEGRAM_FILES
    timezone: str = "UTC"
    default_language: str = "en"
    rate_limit: float = Field(default=25.0, gt=0, le=1000)
    max_in_flight: int = Field(default=16, ge=1, le=100)
    concurrent_updates: int = Field(default=8, ge=1, le=1000)
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = (
        timedelta(hours=24),
        timedelta(hours=2),
    )
    prompt_timeout: Annotated[timedelta, NoDecode] = timedelta(minutes=10)
    photos_after: Annotated[timedelta, NoDecode] = timedelta(minutes=30)
    safety_chat_id: int | None = None
    review_chat_id: int | None = None
    digest_hour: int | None = Field(default=None, ge=0, le=23)
    report_rate: int = Field(default=10, ge=1)
    proposal_rate: int = Field(default=3, ge=1)
    retention_days: int = Field(default=0, ge=0, le=36500)
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook must be reachable by Telegram
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    database_key: SecretStr | None = None
    database_key_file: Path | None = None
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1, le=3650)
    backup_passphrase: SecretStr | None = None
    broadcast_approval: Annotated[BroadcastApproval, NoDecode] = Field(
        default_factory=lambda: BroadcastApproval()
    )
    owner_notices: bool = True
    paid_broadcast_rate: float | None = Field(default=None, gt=0, le=PAID_CEILING)
    blur_faces: Literal["publish", "export", "off"] = "publish"
    """Where faces are covered (README, "Faces"): in what goes to channels; in exports too;
    nowhere."""

    @field_validator(
        "bot_token", "webhook_secret", "database_key", "backup_passphrase", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "review_chat_id",
        "safety_chat_id",
        "digest_hour",
        "webhook_url",
        "database_key_file",
        "backup_dir",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_SHAPE.match(value.get_secret_value()):
            raise ValueError("not a bot token (expected digits, a colon, then letters)")
        return value

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _owner_list(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offset_list(cls, value: Any) -> Any:
        parts = _split(value)
        if isinstance(parts, list):
            offsets = [p if isinstance(p, timedelta) else parse_duration(str(p)) for p in parts]
            return tuple(sorted(set(offsets), reverse=True))
        return parts

    @field_validator("prompt_timeout", "photos_after", mode="before")
    @classmethod
    def _one_duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("paid_broadcast_rate", mode="before")
    @classmethod
    def _paid_rate(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in ("", "off", "no", "none", "0"):
            return None
        return value

    @field_validator("broadcast_approval", mode="before")
    @classmethod
    def _approval_rule(cls, value: Any) -> Any:
        return BroadcastApproval.parse(value) if isinstance(value, str | int) else value

    @field_validator("database_key")
    @classmethod
    def _key_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_KEY_LENGTH:
            raise ValueError(f"too short: use at least {MIN_KEY_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _one_key(self) -> Self:
        if self.database_key is not None and self.database_key_file is not None:
            raise ValueError(
                f"set {ENV_PREFIX}DATABASE_KEY or {ENV_PREFIX}DATABASE_KEY_FILE, not both"
            )
        if (
            self.backup_dir is not None
            and self.backup_passphrase is None
            and (self.database_key is None and self.database_key_file is None)
        ):
            raise ValueError(
                f"{ENV_PREFIX}BACKUP_DIR: backups are encrypted; set {ENV_PREFIX}DATABASE_KEY "
                f"or {ENV_PREFIX}BACKUP_PASSPHRASE"
            )
        if self.paid_broadcast_rate is not None and self.paid_broadcast_rate <= self.rate_limit:
            raise ValueError(
                f"{ENV_PREFIX}PAID_BROADCAST_RATE ({self.paid_broadcast_rate:g}) must be above "
                f"{ENV_PREFIX}RATE_LIMIT ({self.rate_limit:g}): it is the rate with the paid copies"
            )
        if self.blur_faces != "off" and (missing := face_model.missing()) is not None:
            # Said at start, not when an organiser first publishes a report full of faces.
            raise ValueError(
                f"{ENV_PREFIX}BLUR_FACES is {self.blur_faces}, but {missing}; install it, or set "
                f"{ENV_PREFIX}BLUR_FACES=off to publish faces as they are"
            )
        if self.database_key_file is not None:
            try:
                self.key()  # unreadable or empty: said now, not when the database is opened
            except ValueError as error:
                raise ValueError(f"{ENV_PREFIX}DATABASE_KEY_FILE: {error}") from None
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use a name like Europe/Belgrade)"
            ) from None
        return value

    @field_validator("api_base_url", "api_file_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("default_language")
    @classmethod
    def _language_tag(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2,3}([-_][A-Za-z]{2,4})?", value):
            raise ValueError(f"{value!r} is not a language code like en or sr-Latn")
        return value

    @property
    def blur_published(self) -> bool:
        """Faces are covered in what goes to a channel."""
        return self.blur_faces != "off"

    @property
    def blur_exported(self) -> bool:
        """Faces are covered in an export's media (unless the organiser asks for originals)."""
        return self.blur_faces == "export"

    @property
    def in_flight(self) -> int:
        """How many sends the outbox keeps under way: ``max_in_flight``, or enough for the paid
        rate's round trips when that is higher (``PAID_LOOKAHEAD`` seconds of it)."""
        if self.paid_broadcast_rate is None:
            return self.max_in_flight
        return max(self.max_in_flight, math.ceil(self.paid_broadcast_rate * PAID_LOOKAHEAD))

    @property
    def token(self) -> str:
        """The bot token; only ``run`` asks for it, so its absence is reported there."""
        if self.bot_token is None:
            raise ConfigError(_MISSING_TOKEN)
        return self.bot_token.get_secret_value()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def exports_folder(self) -> Path:
        """Next to the database: the one folder the operator backs up and protects."""
        return self.database.parent / "exports"

    @property
    def webhook_path(self) -> str:
        """The path part of ``WEBHOOK_URL``, where the webhook server listens."""
        return urlsplit(self.webhook_url or "").path.strip("/")

    def key(self) -> str | None:
        """The database key: ``DATABASE_KEY``, or the content of ``DATABASE_KEY_FILE`` (its
        surrounding blanks and line ends left out); None for an unencrypted database."""
        if self.database_key is not None:
            return self.database_key.get_secret_value()
        if self.database_key_file is None:
            return None
        try:
            text = self.database_key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not a text file"
            raise ValueError(f"cannot read {self.database_key_file}: {reason}") from None
        if len(text) < MIN_KEY_LENGTH:
            raise ValueError(
                f"{self.database_key_file} holds fewer than {MIN_KEY_LENGTH} characters"
            )
        return text

    def backup_secret(self) -> str | None:
        """What encrypts a backup: the database key, or else ``BACKUP_PASSPHRASE``."""
        key = self.key()
        if key is not None:
            return key
        return None if self.backup_passphrase is None else self.backup_passphrase.get_secret_value()

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        values = [self.bot_token, self.webhook_secret, self.database_key, self.backup_passphrase]
        found = [value.get_secret_value() for value in values if value is not None]
        if self.database_key_file is not None:
            found.append(self.key() or "")
        return [value for value in found if value]

    def describe(self) -> list[tuple[str, str]]:
        """Every setting as (environment name, value) with secrets masked, for ``check-config``."""
        rows: list[tuple[str, str]] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                # Only a token's bot id is shown; any other secret (a passphrase that happens
                # to start with digits and a colon) shows nothing.
                shown = _mask(value.get_secret_value()) if name == "bot_token" else "********"
            elif name == "reminder_offsets":
                shown = ",".join(format_duration(offset) for offset in value)
            elif isinstance(value, timedelta):
                shown = format_duration(value)
            elif isinstance(value, tuple):
                shown = ",".join(str(item) for item in value)
            elif isinstance(value, BroadcastApproval):
                shown = str(value)
            elif isinstance(value, float) and value.is_integer():
                shown = str(int(value))  # 25, as written in the README, not 25.0
            elif value is None:
                shown = "(not set)"
            else:
                shown = str(value)
            rows.append((ENV_PREFIX + name.upper(), shown))
        return rows


def _mask(secret: str) -> str:
    """Show a secret's shape without its content: the bot id part of a token is not secret."""
    head, sep, _ = secret.partition(":")
    return f"{head}:********" if sep and head.isdigit() else "********"


def load_settings(*, require_token: bool = False, **overrides: Any) -> Settings:
    """Build the settings or raise ConfigError naming every bad setting, one line each.

    ``require_token`` adds a missing ``BOT_TOKEN`` to the problems (``run``, ``check-config``),
    so that a new operator hears of it with the others rather than after fixing them."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        problems = [
            _problem(problem) for problem in error.errors(include_input=False, include_url=False)
        ]
        if require_token and not _token_given(overrides):
            problems.insert(0, _MISSING_TOKEN)
        # Two bad items of one list read the same; they are one thing to fix.
        raise ConfigError(*dict.fromkeys(problems)) from None
    if require_token and settings.bot_token is None:
        raise ConfigError(_MISSING_TOKEN)
    return settings


def _problem(problem: ErrorDetails) -> str:
    location = problem["loc"]
    message = str(problem["msg"]).removeprefix("Value error, ")
    if not location:  # a rule across settings: its message names them
        return message
    field = str(location[0]).upper()
    item = f"item {location[1] + 1}: " if len(location) > 1 and isinstance(location[1], int) else ""
    return f"{ENV_PREFIX}{field}: {item}{message}"


def _token_given(overrides: dict[str, Any]) -> bool:
    """Whether a token was set at all (in the arguments, the environment or ``.env``), when
    validation failed before the settings could say so."""
    if "bot_token" in overrides:
        return bool(overrides["bot_token"])
    # The environment comes first and wins over .env, even when blank, as in ``Settings``.
    places = _variables().get(f"{ENV_PREFIX}BOT_TOKEN".lower())
    return bool(places and (places[0][0] or "").strip())


# --- Names that are not settings ------------------------------------------------------------


@dataclass(frozen=True)
class UnknownSetting:
    """A ``TURNOUT_*`` variable that no setting reads: a typo, or a setting that was renamed."""

    name: str
    where: str
    """``the environment`` or the ``.env`` file's name."""
    suggestion: str | None

    def __str__(self) -> str:
        hint = (
            f"did you mean {self.suggestion}?"
            if self.suggestion
            else "the README's Configuration lists the settings"
        )
        return f"{self.name} (in {self.where}) is not a setting and is ignored; {hint}"


def setting_names() -> list[str]:
    """Every setting's variable name, in the order of ``Settings``."""
    return [ENV_PREFIX + name.upper() for name in Settings.model_fields]


def unknown_settings() -> list[UnknownSetting]:
    """Every ``TURNOUT_*`` variable in the environment or ``.env`` that is not a setting, with
    the closest setting's name when one is close. Settings ignore them: a misspelled
    ``TURNOUT_OWNER_ID`` would otherwise leave the bot without an owner, silently."""
    known = {name.lower(): name for name in setting_names()}
    suffixes = [name.removeprefix(ENV_PREFIX) for name in known.values()]
    found: list[UnknownSetting] = []
    for name, places in sorted(_variables().items()):
        if name in known:
            continue
        written = name.upper()
        close = difflib.get_close_matches(written.removeprefix(ENV_PREFIX), suffixes, n=1)
        suggestion = ENV_PREFIX + close[0] if close else None
        found.extend(UnknownSetting(written, where, suggestion) for _, where in places)
    return found


def _variables() -> dict[str, list[tuple[str | None, str]]]:
    """Every ``TURNOUT_*`` variable (lower-cased) the settings would see, with its value and
    where it is set, read by the same sources ``Settings`` reads."""
    env_file = Settings.model_config.get("env_file")
    sources = [
        (EnvSettingsSource(Settings), "the environment"),
        (DotEnvSettingsSource(Settings), str(env_file)),
    ]
    prefix = ENV_PREFIX.lower()
    found: dict[str, list[tuple[str | None, str]]] = {}
    for source, where in sources:
        for name, value in source.env_vars.items():
            if name.lower().startswith(prefix):
                found.setdefault(name.lower(), []).append((value, where))
    return found
