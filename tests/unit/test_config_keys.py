"""The settings of issue 19: the database key (or its file), backups, the two-person rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.config import BroadcastApproval, ConfigError, load_settings


def problems(**settings: object) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        load_settings(**settings)
    return caught.value.problems


def test_the_key_comes_from_the_setting_or_its_file(tmp_path: Path) -> None:
    assert load_settings().key() is None
    assert load_settings(database_key="correct horse battery").key() == "correct horse battery"
    secret = tmp_path / "key"
    secret.write_text("  from a docker secret\n", encoding="utf-8")
    assert load_settings(database_key_file=secret).key() == "from a docker secret"


def test_a_key_that_cannot_be_used_is_said_in_one_line(tmp_path: Path) -> None:
    assert problems(database_key="short") == (
        "TURNOUT_DATABASE_KEY: too short: use at least 12 characters",
    )
    [missing] = problems(database_key_file=tmp_path / "nowhere")
    assert missing.startswith("TURNOUT_DATABASE_KEY_FILE: cannot read ")
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    [short] = problems(database_key_file=empty)
    assert "fewer than 12 characters" in short
    secret = tmp_path / "key"
    secret.write_text("a long enough key", encoding="utf-8")
    assert problems(database_key="another long key", database_key_file=secret) == (
        "set TURNOUT_DATABASE_KEY or TURNOUT_DATABASE_KEY_FILE, not both",
    )


def test_daily_backups_need_something_to_encrypt_them_with(tmp_path: Path) -> None:
    [problem] = problems(backup_dir=tmp_path)
    assert problem.startswith("TURNOUT_BACKUP_DIR: backups are encrypted")
    keyed = load_settings(backup_dir=tmp_path, database_key="correct horse battery")
    assert keyed.backup_secret() == "correct horse battery"
    by_passphrase = load_settings(backup_dir=tmp_path, backup_passphrase="a backup passphrase")
    assert by_passphrase.backup_secret() == "a backup passphrase"


def test_keys_and_passphrases_are_secrets(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("key from the file\n", encoding="utf-8")
    settings = load_settings(database_key_file=secret, backup_passphrase="a backup passphrase")
    assert set(settings.secrets()) >= {"key from the file", "a backup passphrase"}
    shown = dict(load_settings(database_key="correct horse battery").describe())
    assert shown["TURNOUT_DATABASE_KEY"] == "********"


@pytest.mark.parametrize(
    ("written", "channels", "over"),
    [("off", False, None), ("channels", True, None), ("500", False, 500),
     ("channels,500", True, 500), ("Channels, 0", True, 0)],
)  # fmt: skip
def test_the_approval_rule_is_read(written: str, channels: bool, over: int | None) -> None:
    rule = load_settings(broadcast_approval=written).broadcast_approval
    assert (rule.channels, rule.subscribers_over) == (channels, over)
    assert rule.enabled == (channels or over is not None)
    assert load_settings(broadcast_approval=str(rule)).broadcast_approval == rule


def test_a_bad_approval_rule_is_refused() -> None:
    [problem] = problems(broadcast_approval="everything")
    assert problem.startswith("TURNOUT_BROADCAST_APPROVAL: 'everything' is not off")


def test_which_calls_need_approval() -> None:
    rule = BroadcastApproval(channels=True, subscribers_over=500)
    assert rule.applies(channels=1, subscribers=0)
    assert rule.applies(channels=0, subscribers=501)
    assert not rule.applies(channels=0, subscribers=500)
    assert not BroadcastApproval().applies(channels=3, subscribers=10_000)
    assert not BroadcastApproval(subscribers_over=500).applies(channels=3, subscribers=10)


def test_a_passphrase_shaped_like_a_token_is_masked_whole() -> None:
    shown = dict(load_settings(database_key="2024:our-long-secret-phrase").describe())
    assert shown["TURNOUT_DATABASE_KEY"] == "********"
