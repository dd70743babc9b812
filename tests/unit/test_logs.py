from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from turnout.bot.logs import REDACTED, configure_logging, redact_also

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", "text", [TOKEN, "webhook-secret"], stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_the_token_is_redacted_from_messages_and_arguments(output: io.StringIO) -> None:
    log = logging.getLogger("telegram.ext.ExtBot")
    log.debug("Calling Bot API endpoint `https://api.telegram.org/bot%s/getMe`", TOKEN)
    log.info(f"url=https://api.telegram.org/bot{TOKEN}/sendMessage")
    logging.getLogger("x").warning("secret header %s", "webhook-secret")
    text = output.getvalue()
    assert TOKEN not in text
    assert "webhook-secret" not in text
    assert text.count(REDACTED) == 3


def test_the_token_is_redacted_from_tracebacks(output: io.StringIO) -> None:
    try:
        raise RuntimeError(f"could not reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except RuntimeError:
        logging.getLogger("turnout").exception("polling failed")
    text = output.getvalue()
    assert "RuntimeError" in text
    assert TOKEN not in text


def test_any_token_shaped_string_is_redacted(output: io.StringIO) -> None:
    other = "987654321:ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkkJJi"
    logging.getLogger("y").error("old token %s", other)
    assert other not in output.getvalue()


def test_httpx_is_kept_at_warning(output: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s", TOKEN)
    assert output.getvalue() == ""
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING


def test_json_lines() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", [TOKEN], stream)
    try:
        logging.getLogger("turnout").info("update failed with %s", TOKEN, extra={"update_id": 42})
    finally:
        logging.getLogger().removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["level"] == "INFO"
    assert entry["logger"] == "turnout"
    assert entry["update_id"] == 42
    assert entry["message"] == f"update failed with {REDACTED}"


def test_a_secret_made_after_logging_was_set_up_is_redacted_too(output: io.StringIO) -> None:
    redact_also("generated-per-start-secret")
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `setWebhook` with parameters `%s`",
        {"secret_token": "generated-per-start-secret"},
    )
    assert "generated-per-start-secret" not in output.getvalue()
    assert REDACTED in output.getvalue()
