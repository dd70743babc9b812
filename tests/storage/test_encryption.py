"""The encrypted database (SQLCipher), its conversion in place, and encrypted backups (age)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pyrage
import pytest

from tests.conftest import NOW
from tests.storage.conftest import new_action
from turnout.storage import StorageError, Store, WrongKey, cipher, files
from turnout.storage.backup import daily_backups, daily_name, make_backup, restore_backup, rotate
from turnout.storage.convert import decrypt_in_place, encrypt_in_place

PASSPHRASE = "correct horse battery staple"
RAW_KEY = "0123456789abcdef" * 4
SECRETS = ("Zorana", "Picket at the Sugar Factory", "Police kettled the north gate")


async def fill(path: Path, key: str | None) -> None:
    """A member, an action and a report: names and words that must not be readable."""
    store = await Store.open(path, key=key)
    try:
        await store.register_member(1001, SECRETS[0], "en", "UTC", NOW)
        action = await store.create_action(new_action(title=SECRETS[1]), 1001, [], NOW)
        draft = await store.open_draft(1001, NOW)
        fields: dict[str, object] = {"action_id": action.id, "action_chosen": 1, "text": SECRETS[2]}
        await store.update_draft(draft.id, fields, NOW)
        await store.submit_report(draft.id, NOW)
    finally:
        await store.close()


def readable(path: Path) -> list[str]:
    """Which of the secrets appear in the file, or in what SQLite keeps beside it."""
    found = []
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            data = name.read_bytes()
            found += [secret for secret in SECRETS if secret.encode() in data]
    return found


@pytest.mark.parametrize("key", [PASSPHRASE, RAW_KEY], ids=["passphrase", "raw"])
async def test_with_a_key_nothing_in_the_file_is_readable(tmp_path: Path, key: str) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, key)
    assert not path.read_bytes().startswith(cipher.SQLITE_HEADER)
    assert readable(path) == []
    # The same data written without a key is there for anyone to read: the test can fail.
    plain = tmp_path / "plain.db"
    await fill(plain, None)
    assert plain.read_bytes().startswith(cipher.SQLITE_HEADER)
    assert set(readable(plain)) == set(SECRETS)


async def test_the_write_ahead_log_is_encrypted_too(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    store = await Store.open(path, key=PASSPHRASE)
    try:
        await store.register_member(1001, SECRETS[0], "en", "UTC", NOW)
        # Still open: the change is in the log, not yet folded into the file.
        assert Path(f"{path}-wal").stat().st_size > 0
        assert readable(path) == []
        assert (await store.member(1001)) is not None
    finally:
        await store.close()


async def test_a_key_that_does_not_fit_opens_nothing_and_creates_nothing(tmp_path: Path) -> None:
    encrypted = tmp_path / "encrypted.db"
    await fill(encrypted, PASSPHRASE)
    before = encrypted.read_bytes()
    with pytest.raises(WrongKey, match="does not open"):
        await Store.open(encrypted, key="another long passphrase")
    with pytest.raises(WrongKey, match="is encrypted"):
        await Store.open(encrypted, key=None)
    assert encrypted.read_bytes() == before
    plain = tmp_path / "plain.db"
    await fill(plain, None)
    with pytest.raises(WrongKey, match="not encrypted"):
        await Store.open(plain, key=PASSPHRASE)
    # The right key opens it, data intact.
    store = await Store.open(encrypted, key=PASSPHRASE)
    try:
        member = await store.member(1001)
        assert member is not None and member.first_name == SECRETS[0]
    finally:
        await store.close()


async def test_a_passphrase_with_quotes_is_a_passphrase_not_sql(tmp_path: Path) -> None:
    key = "it's a key'; DROP TABLE members; --"
    path = tmp_path / "turnout.db"
    await fill(path, key)
    store = await Store.open(path, key=key)
    try:
        assert await store.member(1001) is not None
    finally:
        await store.close()
    with pytest.raises(WrongKey):
        await Store.open(path, key="it's a key")


def test_a_key_with_nul_is_refused() -> None:
    with pytest.raises(WrongKey):
        cipher.key_literal("abc\x00def")


async def test_secure_delete_and_the_purge_work_with_a_key(tmp_path: Path) -> None:
    """A forgotten member's name is gone from the decrypted pages, not only from the table."""
    path = tmp_path / "turnout.db"
    await fill(path, PASSPHRASE)
    store = await Store.open(path, key=PASSPHRASE)
    try:
        await store.forget_member(1001, "Member 7f3a", NOW)
    finally:
        await store.close()
    plain = tmp_path / "look.db"
    # Decrypted only to look inside: every page as SQLite sees it.
    with closing(cipher.connect(path, PASSPHRASE)) as db:
        db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        db.execute("SELECT sqlcipher_export('plain')")
        db.execute("DETACH DATABASE plain")
    assert SECRETS[0].encode() not in plain.read_bytes()


async def test_encrypt_and_decrypt_in_place_keep_every_row(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, None)
    converted = encrypt_in_place(path, PASSPHRASE)
    assert converted.rows >= 3
    assert readable(path) == []
    assert not list(tmp_path.glob(".turnout.db.*"))  # no copy left beside it
    store = await Store.open(path, key=PASSPHRASE)
    try:
        assert (await store.member(1001)) is not None
        version = await store.schema_version()
    finally:
        await store.close()
    with pytest.raises(WrongKey, match="encrypted already"):
        encrypt_in_place(path, PASSPHRASE)
    with pytest.raises(WrongKey, match="does not open"):
        decrypt_in_place(path, "another long passphrase")
    decrypt_in_place(path, PASSPHRASE)
    assert set(readable(path)) == set(SECRETS)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == version


async def test_a_crash_before_the_rename_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, None)
    before = path.read_bytes()

    def crash(source: Path, target: Path) -> None:
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(files, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        encrypt_in_place(path, PASSPHRASE)
    assert path.read_bytes() == before
    monkeypatch.undo()
    # The next attempt starts over (the copy left behind is written anew) and works.
    encrypt_in_place(path, PASSPHRASE)
    assert readable(path) == []


async def test_a_backup_round_trip_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "data" / "turnout.db"
    await fill(path, PASSPHRASE)
    out = tmp_path / "backups" / "one.age"
    out.parent.mkdir()
    make_backup(path, PASSPHRASE, PASSPHRASE, out)
    sealed = out.read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1")
    assert all(secret.encode() not in sealed for secret in SECRETS)
    assert out.stat().st_mode & 0o777 == 0o600
    # Inside the age layer: the database, still encrypted with its own key.
    inner = pyrage.passphrase.decrypt(sealed, PASSPHRASE)
    assert not inner.startswith(cipher.SQLITE_HEADER)
    # Lose the database, then restore it.
    files.remove_database(path)
    restored = restore_backup(out, path, PASSPHRASE, PASSPHRASE)
    assert restored.schema_version > 0
    store = await Store.open(path, key=PASSPHRASE)
    try:
        member = await store.member(1001)
        assert member is not None and member.first_name == SECRETS[0]
    finally:
        await store.close()


async def test_a_backup_of_a_plain_database_by_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, None)
    out = tmp_path / "plain.age"
    make_backup(path, None, PASSPHRASE, out)
    assert all(secret.encode() not in out.read_bytes() for secret in SECRETS)
    # No plain copy was left on the disk on the way.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.age", "turnout.db"]
    with pytest.raises(WrongKey, match="cannot decrypt"):
        restore_backup(out, path, None, "not the passphrase at all")
    with pytest.raises(WrongKey, match="unencrypted database"):
        restore_backup(out, path, PASSPHRASE, PASSPHRASE)
    restore_backup(out, path, None, PASSPHRASE)
    assert set(readable(path)) == set(SECRETS)


async def test_a_restore_refuses_what_is_not_a_turnout_database(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, None)
    before = path.read_bytes()
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE x (y)")
        db.commit()
    bogus = tmp_path / "bogus.age"
    bogus.write_bytes(pyrage.passphrase.encrypt(other.read_bytes(), PASSPHRASE))
    with pytest.raises(StorageError, match="not hold a Turnout database"):
        restore_backup(bogus, path, None, PASSPHRASE)
    garbage = tmp_path / "garbage.age"
    garbage.write_bytes(pyrage.passphrase.encrypt(cipher.SQLITE_HEADER + b"\x00" * 200, PASSPHRASE))
    with pytest.raises(StorageError):
        restore_backup(garbage, path, None, PASSPHRASE)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bogus.age",
        "garbage.age",
        "other.db",
        "turnout.db",
    ]


async def test_a_backup_while_writes_go_on_is_consistent(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    store = await Store.open(path, key=RAW_KEY)
    out = tmp_path / "busy.age"
    try:

        async def write() -> int:
            written = 0
            for user in range(2000, 2400):
                await store.register_member(user, f"Member {user}", "en", "UTC", NOW)
                written += 1
            return written

        writer = asyncio.create_task(write())
        await asyncio.to_thread(make_backup, path, RAW_KEY, RAW_KEY, out)
        await writer
    finally:
        await store.close()
    copy = tmp_path / "copy.db"
    restore_backup(out, copy, RAW_KEY, RAW_KEY)
    with closing(cipher.connect(copy, RAW_KEY)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT count(*) FROM members").fetchone()[0]
    assert 0 <= count <= 400


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    names = [daily_name(NOW.replace(day=day)) for day in range(1, 11)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    gone = rotate(tmp_path, 7)
    assert [p.name for p in gone] == names[:3]
    assert [p.name for p in daily_backups(tmp_path)] == names[3:]
    assert (tmp_path / "notes.txt").exists()


async def test_a_backup_never_overwrites_the_database_itself(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, None)
    before = path.read_bytes()
    for target in (path, Path(f"{path}-wal"), tmp_path / "." / "turnout.db"):
        with pytest.raises(StorageError, match="the database's own file"):
            make_backup(path, None, PASSPHRASE, target)
    assert path.read_bytes() == before


def test_rotation_leaves_backups_named_by_hand(tmp_path: Path) -> None:
    dated = [daily_name(NOW.replace(day=day)) for day in (1, 2, 3)]
    for name in [*dated, "turnout-before-upgrade.age", "turnout-keep-forever.age"]:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in rotate(tmp_path, 2)] == dated[:1]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*dated[1:], "turnout-before-upgrade.age", "turnout-keep-forever.age"])


async def test_a_restore_keeps_the_database_it_replaced(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, RAW_KEY)
    backup = tmp_path / "b.age"
    make_backup(path, RAW_KEY, RAW_KEY, backup)
    store = await Store.open(path, key=RAW_KEY)
    try:
        await store.register_member(1002, "Added after the backup", "en", "UTC", NOW)
    finally:
        await store.close()
    restored = restore_backup(backup, path, RAW_KEY, RAW_KEY)
    assert restored.replaced == tmp_path / "turnout.db.before-restore"
    with closing(cipher.connect(restored.replaced, RAW_KEY)) as db:
        assert db.execute("SELECT count(*) FROM members WHERE user_id = 1002").fetchone()[0] == 1
    with closing(cipher.connect(path, RAW_KEY)) as db:
        assert db.execute("SELECT count(*) FROM members WHERE user_id = 1002").fetchone()[0] == 0


async def test_a_conversion_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "turnout.db"
    await fill(path, None)
    path.chmod(0o640)
    encrypt_in_place(path, PASSPHRASE)
    assert path.stat().st_mode & 0o777 == 0o640


async def test_a_database_behind_a_symbolic_link_is_converted_where_it_is(tmp_path: Path) -> None:
    real = tmp_path / "real" / "turnout.db"
    real.parent.mkdir()
    await fill(real, None)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    encrypt_in_place(link, PASSPHRASE)
    assert link.is_symlink() and link.resolve() == real
    assert readable(real) == []
    store = await Store.open(real, key=PASSPHRASE)
    try:
        assert await store.member(1001) is not None
    finally:
        await store.close()
