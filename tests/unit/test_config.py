from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from turnout.config import ConfigError, format_duration, load_settings, parse_duration

TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"


def test_defaults_follow_the_design() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.owner_ids == ()
    assert str(settings.database) == "data/turnout.db"
    assert settings.timezone == "UTC"
    assert settings.default_language == "en"
    assert settings.rate_limit == 25
    assert settings.reminder_offsets == (timedelta(hours=24), timedelta(hours=2))
    assert settings.report_rate == 10
    assert settings.log_format == "text"


def test_lists_are_comma_separated_and_one_value_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNOUT_OWNER_IDS", "111, 222")
    monkeypatch.setenv("TURNOUT_REMINDER_OFFSETS", "15m,24h,2h")
    settings = load_settings()
    assert settings.owner_ids == (111, 222)
    assert settings.reminder_offsets == (
        timedelta(hours=24),
        timedelta(hours=2),
        timedelta(minutes=15),
    )
    monkeypatch.setenv("TURNOUT_OWNER_IDS", "333")
    assert load_settings().owner_ids == (333,)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TURNOUT_BOT_TOKEN={TOKEN}\nTURNOUT_TIMEZONE=Asia/Tokyo\n")
    settings = load_settings()
    assert settings.token == TOKEN
    assert settings.timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TURNOUT_RATE_LIMIT", "0"),
        ("TURNOUT_OWNER_IDS", "111,abc"),
        ("TURNOUT_TIMEZONE", "Mars/Olympus"),
        ("TURNOUT_REMINDER_OFFSETS", "24h,soon"),
        ("TURNOUT_DIGEST_HOUR", "25"),
        ("TURNOUT_LOG_FORMAT", "xml"),
        ("TURNOUT_BOT_TOKEN", "not a token"),
        ("TURNOUT_API_BASE_URL", "api.telegram.org"),
        ("TURNOUT_WEBHOOK_PORT", "99999"),
    ],
)
def test_a_bad_value_names_its_setting_on_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    if name == "TURNOUT_BOT_TOKEN":
        assert value not in message


def test_missing_token_is_reported_when_asked_for() -> None:
    settings = load_settings()
    with pytest.raises(ConfigError, match="TURNOUT_BOT_TOKEN"):
        _ = settings.token


def test_describe_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNOUT_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TURNOUT_WEBHOOK_SECRET", "hush-hush-secret")
    described = dict(load_settings().describe())
    assert described["TURNOUT_BOT_TOKEN"] == "123456:********"
    assert described["TURNOUT_WEBHOOK_SECRET"] == "********"
    assert TOKEN not in str(described)
    assert "hush-hush-secret" not in str(described)
    assert described["TURNOUT_REMINDER_OFFSETS"] == "24h,2h"


def test_webhook_path_comes_from_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNOUT_WEBHOOK_URL", "https://bot.example.org/turnout/hook")
    assert load_settings().webhook_path == "turnout/hook"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("15m", timedelta(minutes=15)), ("2h", timedelta(hours=2)), (" 3d ", timedelta(days=3))],
)
def test_durations_round_trip(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


@pytest.mark.parametrize("text", ["", "0h", "2", "h", "2 weeks", "-1h", "1.5h"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
