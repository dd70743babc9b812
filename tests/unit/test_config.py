from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from turnout.config import (
    ConfigError,
    format_duration,
    load_settings,
    parse_duration,
    setting_names,
    unknown_settings,
)

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


def test_every_bad_setting_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNOUT_RATE_LIMIT", "fast")
    monkeypatch.setenv("TURNOUT_OWNER_IDS", "111,abc,@me")
    monkeypatch.setenv("TURNOUT_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    problems = raised.value.problems
    assert [problem.split(":")[0] for problem in problems] == [
        "TURNOUT_OWNER_IDS",
        "TURNOUT_OWNER_IDS",
        "TURNOUT_RATE_LIMIT",
        "TURNOUT_LOG_FORMAT",
    ]
    assert problems[0].startswith("TURNOUT_OWNER_IDS: item 2: ")
    assert problems[1].startswith("TURNOUT_OWNER_IDS: item 3: ")
    assert "\n" not in str(raised.value)


def test_a_missing_token_is_reported_with_the_other_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TURNOUT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError) as raised:
        load_settings(require_token=True)
    assert [problem.split(":")[0] for problem in raised.value.problems] == [
        "TURNOUT_BOT_TOKEN",
        "TURNOUT_TIMEZONE",
    ]
    monkeypatch.setenv("TURNOUT_BOT_TOKEN", TOKEN)
    with pytest.raises(ConfigError) as raised:
        load_settings(require_token=True)
    assert [problem.split(":")[0] for problem in raised.value.problems] == ["TURNOUT_TIMEZONE"]
    monkeypatch.delenv("TURNOUT_TIMEZONE")
    assert load_settings(require_token=True).token == TOKEN
    assert load_settings().bot_token is not None


def test_a_token_in_dotenv_counts_when_other_settings_are_bad(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TURNOUT_BOT_TOKEN={TOKEN}\nTURNOUT_DIGEST_HOUR=25\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(require_token=True)
    assert [problem.split(":")[0] for problem in raised.value.problems] == ["TURNOUT_DIGEST_HOUR"]


def test_unknown_variables_are_named_with_the_closest_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TURNOUT_OWNER_ID", "111")
    monkeypatch.setenv("TURNOUT_OWNER_IDS", "111")
    monkeypatch.setenv("turnout_max_inflight", "4")
    monkeypatch.setenv("TURNOUT_FAVOURITE_COLOUR", "red")
    monkeypatch.setenv("NOT_TURNOUT_OWNER_ID", "1")
    (tmp_path / ".env").write_text(f"TURNOUT_BOT_TOKN={TOKEN}\nTURNOUT_TIMEZONE=UTC\n")
    found = {(unknown.name, unknown.where): unknown for unknown in unknown_settings()}
    assert sorted(found) == [
        ("TURNOUT_BOT_TOKN", ".env"),
        ("TURNOUT_FAVOURITE_COLOUR", "the environment"),
        ("TURNOUT_MAX_INFLIGHT", "the environment"),
        ("TURNOUT_OWNER_ID", "the environment"),
    ]
    assert found["TURNOUT_OWNER_ID", "the environment"].suggestion == "TURNOUT_OWNER_IDS"
    assert found["TURNOUT_MAX_INFLIGHT", "the environment"].suggestion == "TURNOUT_MAX_IN_FLIGHT"
    assert found["TURNOUT_FAVOURITE_COLOUR", "the environment"].suggestion is None
    told = str(found["TURNOUT_BOT_TOKN", ".env"])
    assert told == (
        "TURNOUT_BOT_TOKN (in .env) is not a setting and is ignored; "
        "did you mean TURNOUT_BOT_TOKEN?"
    )
    assert TOKEN not in " ".join(str(unknown) for unknown in found.values())


def test_no_warning_when_every_variable_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.setenv(name, "")
    assert unknown_settings() == []


def test_describe_writes_whole_numbers_as_written() -> None:
    described = dict(load_settings().describe())
    assert described["TURNOUT_RATE_LIMIT"] == "25"
    assert described["TURNOUT_MAX_IN_FLIGHT"] == "16"


def test_faces_are_covered_in_what_is_published_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings()
    assert settings.blur_faces == "publish"
    assert settings.blur_published and not settings.blur_exported
    monkeypatch.setenv("TURNOUT_BLUR_FACES", "export")
    assert load_settings().blur_exported
    monkeypatch.setenv("TURNOUT_BLUR_FACES", "off")
    assert not load_settings().blur_published
    monkeypatch.setenv("TURNOUT_BLUR_FACES", "sometimes")
    with pytest.raises(ConfigError, match="TURNOUT_BLUR_FACES"):
        load_settings()


def test_covering_faces_without_the_model_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from turnout.faces import model

    monkeypatch.setattr(model, "missing", lambda: "the face model is not installed (pip …)")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "TURNOUT_BLUR_FACES=off" in str(raised.value)
    assert "the face model is not installed" in str(raised.value)
    monkeypatch.setenv("TURNOUT_BLUR_FACES", "off")
    assert load_settings().blur_faces == "off"  # faces published as they are, knowingly
