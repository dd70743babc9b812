"""Logging: plain or JSON lines, with every secret redacted whatever path a record takes.

python-telegram-bot logs its request URLs (which contain the token) at DEBUG, and httpx logs
them at INFO; an exception message can carry a URL too. The filter sits on the handler, so it
sees every record that will be written, from any logger, and rewrites message and traceback.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

# Anything shaped like a bot token is hidden even when it is not ours (a typo'd or old one).
_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"

# httpx and httpcore write request URLs (with the token) at INFO; APScheduler's executor writes
# a line for every run of every job. All are kept at WARNING.
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler.executors.default")


class RedactingFilter(logging.Filter):
    """Replaces secrets in a record's message, arguments and traceback before it is written."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def add(self, secret: str) -> None:
        """One more secret, made after logging was set up (the webhook's per-start secret)."""
        if secret and secret not in self._secrets:
            self._secrets = sorted({*self._secrets, secret}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the update id when known."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        update_id = getattr(record, "update_id", None)
        if update_id is not None:
            entry["update_id"] = update_id
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str, fmt: str, secrets: Iterable[str], stream: TextIO | None = None
) -> logging.Handler:
    """Route all logging through one redacting handler; return it (tests remove it again)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def redact_also(secret: str) -> None:
    """Hide ``secret`` in every line the logging set up by ``configure_logging`` writes: a
    secret generated at start (the webhook's, when ``TURNOUT_WEBHOOK_SECRET`` is unset) would
    otherwise appear in python-telegram-bot's DEBUG line of ``setWebhook``."""
    for handler in logging.getLogger().handlers:
        for found in handler.filters:
            if isinstance(found, RedactingFilter):
                found.add(secret)
