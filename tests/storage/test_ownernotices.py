"""The owners' sweep on a real database: every sensitive move told once, to every owner, and the
cursor moved in the same transaction as the notices are queued."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any, cast

import pytest
from telegram import Bot

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ActionFactory, CallFactory, ReadDb
from turnout.config import load_settings
from turnout.delivery import Outbox
from turnout.export.archive import ExportRequest
from turnout.i18n import Catalogs
from turnout.storage import Audience, CallStatus, Role, StorageError, Store
from turnout.storage import ownernotices as queries
from turnout.storage.base import write_audit
from turnout.storage.migrations import bundled_migrations
from turnout.storage.ownernotices import forget_owner_notices
from turnout.usecases.exports import audit_export
from turnout.usecases.owners import BATCH, tell_owners
from turnout.usecases.services import Hooks, Services

OLGA, OSKAR = 4242, 4343
OWNERS = (OLGA, OSKAR)


class Woken:
    """The outbox, as far as the sweep uses it."""

    def __init__(self) -> None:
        self.times = 0

    def wake(self) -> None:
        self.times += 1


def services(store: Store, **settings: Any) -> Services:
    values: dict[str, Any] = {"owner_ids": OWNERS} | settings
    return Services(
        settings=load_settings(**values),
        store=store,
        outbox=cast(Outbox, Woken()),
        catalogs=Catalogs("en"),
        bot=cast(Bot, None),
        clock=lambda: NOW,
        hooks=cast(Hooks, None),
    )


def notices(read_db: ReadDb) -> list[tuple[str, int, str]]:
    """(purpose, chat, text as shown) of every owner's notice queued, oldest first."""
    rows = read_db(
        "SELECT purpose, chat_id, payload FROM deliveries"
        " WHERE purpose LIKE 'owner-notice:%' ORDER BY id"
    )
    return [(purpose, chat, shown(json.loads(payload)["text"])) for purpose, chat, payload in rows]


def shown(text: str) -> str:
    """As Telegram shows it: markup gone, entities decoded, direction isolates invisible."""
    return unescape(re.sub(r"<[^>]+>", "", text)).replace("\u2068", "").replace("\u2069", "")


def newest_entry(read_db: ReadDb) -> int:
    return int(read_db("SELECT COALESCE(MAX(id), 0) FROM audit_log")[0][0])


async def test_a_role_granted_is_told_to_every_owner_once(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    s = services(store)
    ana = await make_member(first_name="Ana")
    assert await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)

    assert await tell_owners(s) == 1
    told = notices(read_db)
    entry = newest_entry(read_db)
    assert [(purpose, chat) for purpose, chat, _ in told] == [
        (f"owner-notice:{entry}", OLGA),
        (f"owner-notice:{entry}", OSKAR),
    ]
    assert f"user {OLGA} gave Ana ({ana.user_id}) the role organiser." in told[0][2]
    assert cast(Woken, s.outbox).times == 1
    # Above a call's copies in the outbox.
    assert read_db("SELECT DISTINCT priority FROM deliveries") == [(1,)]

    assert await tell_owners(s) == 0
    assert notices(read_db) == told
    assert await store.owner_notice_cursor() == entry


async def test_each_owner_reads_it_in_their_language(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    await store.register_member(OSKAR, "Oskar", "fr", "UTC", NOW)
    ana = await make_member(first_name="Ana")
    await store.revoke_role(ana.user_id, Role.ORGANISER, OLGA, NOW)  # not held: nothing audited
    await store.grant_role(ana.user_id, Role.BROADCASTER, OLGA, NOW)
    await tell_owners(services(store))
    by_chat = {chat: text for _, chat, text in notices(read_db)}
    assert "gave" in by_chat[OLGA]
    assert "a donné" in by_chat[OSKAR]


async def test_moves_owners_are_not_told_of_only_move_the_cursor(
    store: Store, make_action: ActionFactory, make_call: CallFactory, read_db: ReadDb
) -> None:
    await make_action()
    await store.create_invite("tok", Role.ORGANISER, OLGA, NOW, NOW + timedelta(days=2))
    await make_call(status=CallStatus.SCHEDULED, publish_at=NOW + timedelta(hours=1))
    await store.audit(NOW, 7, "call:published", None, {"call": 1, "approved_by": 9})
    await store.audit(NOW, 7, "call:edit", None, {"call": 1})  # a draft's edit
    await store.audit(NOW, 7, "export", None, {})  # the name exports had before

    assert await tell_owners(services(store)) == 0
    assert notices(read_db) == []
    assert await store.owner_notice_cursor() == newest_entry(read_db)


async def test_switched_off_nobody_is_told_and_switching_on_brings_no_history(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)
    assert await tell_owners(services(store, owner_notices=False)) == 0
    assert notices(read_db) == []
    assert await store.owner_notice_cursor() == newest_entry(read_db)

    assert await tell_owners(services(store)) == 0
    assert notices(read_db) == []
    await store.revoke_role(ana.user_id, Role.ORGANISER, OLGA, NOW)
    assert await tell_owners(services(store)) == 1


async def test_with_no_owners_the_cursor_still_moves(store: Store, read_db: ReadDb) -> None:
    await store.audit(NOW, 7, "channel:link", -100, {"title": "News"})
    assert await tell_owners(services(store, owner_ids=())) == 0
    assert await store.owner_notice_cursor() == newest_entry(read_db)


async def test_an_upgrade_does_not_tell_the_history(tmp_path: Path, read_db: ReadDb) -> None:
    """The migration starts the cursor at the newest entry already there."""
    older = tmp_path / "migrations"
    older.mkdir()
    for step in bundled_migrations().iterdir():
        if step.name.endswith(".sql") and int(step.name[:4]) < 24:
            (older / step.name).write_text(step.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "data" / "turnout.db"
    before = await Store.open(path, migrations=older)
    for _ in range(3):
        await before.audit(NOW, 7, "channel:link", -100, {"title": "News"})
    await before.close()

    store = await Store.open(path)
    try:
        assert await store.owner_notice_cursor() == 3
        assert await tell_owners(services(store)) == 0
        await store.audit(NOW, 7, "channel:unlink", -100, {})
        assert await tell_owners(services(store)) == 1
    finally:
        await store.close()


async def test_a_long_downtime_is_told_in_batches_all_of_it(store: Store, read_db: ReadDb) -> None:
    for n in range(BATCH * 2 + 7):
        await store.audit(NOW, 7, "action:create", None, {"action": n})
        await store.audit(NOW, 7, "channel:link", -100 - n, {"title": f"Chat {n}"})
    assert await tell_owners(services(store)) == BATCH * 2 + 7
    told = notices(read_db)
    assert len(told) == 2 * (BATCH * 2 + 7)
    assert len({purpose for purpose, _, _ in told}) == BATCH * 2 + 7


async def test_two_sweeps_at_once_tell_each_move_once(store: Store, read_db: ReadDb) -> None:
    for n in range(BATCH + 3):
        await store.audit(NOW, 7, "channel:link", -100 - n, {"title": f"Chat {n}"})
    s = services(store)
    counts = await asyncio.gather(tell_owners(s), tell_owners(s), tell_owners(s))
    assert sum(counts) == BATCH + 3
    assert len(notices(read_db)) == 2 * (BATCH + 3)


async def test_a_move_made_by_another_process_is_told(
    store: Store, db_path: Path, read_db: ReadDb
) -> None:
    """The command line, or a second copy of the bot, writes to the same file."""
    with sqlite3.connect(db_path) as other:
        other.execute(
            "INSERT INTO audit_log (at, actor_id, action, target_id, detail)"
            " VALUES ('2026-11-26 12:00:00', NULL, 'export:made', NULL,"
            ' \'{"scope": "all", "media": false}\')'
        )
    assert await tell_owners(services(store)) == 1
    assert "the command line on the server exported everything" in notices(read_db)[0][2]


async def test_a_failure_before_the_commit_leaves_every_move_for_the_next_sweep(
    store: Store, make_member: MemberFactory, read_db: ReadDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = await make_member()
    await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)
    cursor = await store.owner_notice_cursor()

    async def failing(*args: Any, **kwargs: Any) -> int:
        raise StorageError("disk I/O error")

    monkeypatch.setattr(queries, "insert_deliveries", failing)
    with pytest.raises(StorageError):
        await tell_owners(services(store))
    assert await store.owner_notice_cursor() == cursor
    assert notices(read_db) == []

    monkeypatch.undo()
    assert await tell_owners(services(store)) == 1


async def test_a_kill_after_the_commit_sends_what_was_queued_and_queues_nothing_twice(
    db_path: Path, make_member: MemberFactory, store: Store, read_db: ReadDb
) -> None:
    """kill -9 between the sweep and the outbox: the notices are in the outbox already (the
    outbox sends what is pending at start-up), and the sweep after the restart adds none."""
    ana = await make_member()
    await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)
    await tell_owners(services(store))
    told = notices(read_db)

    reopened = await Store.open(db_path)
    try:
        assert await tell_owners(services(reopened)) == 0
    finally:
        await reopened.close()
    assert notices(read_db) == told
    assert read_db("SELECT DISTINCT status FROM deliveries") == [("pending",)]


async def test_forged_entries_are_told_as_unreadable_and_the_sweep_goes_on(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    await store.audit(NOW, 7, "role:grant", 8, {"role": "emperor"})
    await store.audit(NOW, 7, "call:published", None, {"call": "1; DROP TABLE calls"})
    await store.audit(NOW, 7, "alert:sent", None, {"alert": True, "action": None})
    with sqlite3.connect(store.path) as other:
        other.execute(
            "INSERT INTO audit_log (at, actor_id, action, target_id, detail)"
            " VALUES ('2026-11-26 12:00:00', 7, 'channel:link', NULL, 'not json')"
        )
    ana = await make_member(first_name="Ana")
    await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)

    assert await tell_owners(services(store)) == 5
    texts = [text for _, chat, text in notices(read_db) if chat == OLGA]
    assert [("could not be read" in text) for text in texts] == [True, True, True, True, False]
    assert "role:grant" in texts[0]
    assert "gave Ana" in texts[4]


async def test_a_name_with_markup_is_shown_as_typed(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    boss = await make_member(first_name='<a href="tg://user?id=4242">Olga</a>')
    await store.grant_role(boss.user_id, Role.ORGANISER, OLGA, NOW)
    await tell_owners(services(store))
    payload = json.loads(read_db("SELECT payload FROM deliveries LIMIT 1")[0][0])
    assert "<a " not in payload["text"]
    assert '&lt;a href="tg://user?id=4242"&gt;Olga&lt;/a&gt;' in payload["text"]


async def test_a_call_published_without_approval_names_where_it_went(
    store: Store, make_call: CallFactory, read_db: ReadDb
) -> None:
    await store.link_channel(-100, "Street News", None, "channel", 7, NOW)
    await store.register_member(7, "Bea", "en", "UTC", NOW)
    call = await make_call(author=7, targets=(-100,), to_subscribers=True)
    scheduled = await make_call(
        author=7, status=CallStatus.SCHEDULED, publish_at=NOW, targets=(), to_subscribers=True
    )
    assert await store.publish_scheduled_call(scheduled.id, (), NOW)
    await store.edit_call_text(call.id, "New text", "[]", 7, NOW)
    await tell_owners(services(store))
    linked, *texts = [text for _, chat, text in notices(read_db) if chat == OLGA]
    assert "Bea (7) linked Street News (-100)" in linked
    assert len(texts) == 3
    assert (
        f"Bea (7) published call #{call.id} without a second approval, to Street News, the"
        " bot's subscribers." in texts[0]
    )
    assert f"Call #{scheduled.id} by Bea (7), scheduled earlier, went out" in texts[1]
    assert f"changed the text of call #{call.id}, already out in" in texts[2]


async def test_an_unlinked_chat_is_named_by_its_last_title(store: Store, read_db: ReadDb) -> None:
    await store.link_channel(-100, "Old name", None, "channel", 7, NOW)
    await store.link_channel(-100, "Street News", None, "channel", 7, NOW)
    await store.unlink_channel(-100, 7, NOW)
    assert await store.linked_title(-100) == "Street News"
    assert await store.linked_title(-999) is None
    await tell_owners(services(store))
    texts = [text for _, chat, text in notices(read_db) if chat == OLGA]
    assert "user 7 unlinked Street News (-100)" in texts[-1]


async def test_an_alert_shows_its_action_its_reach_and_its_first_line(
    store: Store, make_action: ActionFactory, read_db: ReadDb
) -> None:
    action = await make_action(starts_at=NOW - timedelta(minutes=10))
    text = "Police at the north gate\nLeave by the south"
    sent = await store.send_alert(action.id, 7, Audience.GOING, text, [], NOW)
    assert sent is not None
    assert await store.alert_text(sent[0].id) == text
    await tell_owners(services(store))
    told = [text for _, chat, text in notices(read_db) if chat == OLGA][-1]
    assert f"(action #{action.id}) to 0 people going: “Police at the north gate”" in told
    assert "Leave by the south" not in told


async def test_exports_are_audited_and_told(store: Store, read_db: ReadDb) -> None:
    t = Catalogs("en").translator("en")
    await audit_export(store, NOW, None, ExportRequest(None, t, "UTC", "All"))
    await audit_export(store, NOW, 7, ExportRequest(None, t, "UTC", "x", campaign_id=99))
    details = read_db("SELECT actor_id, detail FROM audit_log WHERE action = 'export:made'")
    assert [(actor, json.loads(detail)) for actor, detail in details] == [
        (None, {"scope": "all", "action": None, "campaign": None, "media": False}),
        (7, {"scope": "campaign", "action": None, "campaign": 99, "media": False}),
    ]
    await tell_owners(services(store))
    texts = [text for _, chat, text in notices(read_db) if chat == OLGA]
    assert "the command line on the server exported everything members sent, without" in texts[0]
    assert "user 7 exported the campaign ?," in texts[1]


async def test_forgetting_someone_takes_the_notices_that_name_them_once_sent(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana = await make_member()
    bea = await make_member(first_name="Bea")
    await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)
    await tell_owners(services(store))
    await store._execute("UPDATE deliveries SET status = 'sent'", {})
    # A later move of Ana's, not yet sent when she uses /forgetme.
    await store.grant_role(bea.user_id, Role.ORGANISER, ana.user_id, NOW)
    await tell_owners(services(store))
    async with store._transaction() as db:
        assert await forget_owner_notices(db, ana.user_id) == 2
    # The sent ones are gone; the one still waiting goes out: a thief who forgets the stolen
    # account does not silence the owners.
    left = notices(read_db)
    assert len(left) == 2
    assert all("Bea" in text for _, _, text in left)


async def test_someone_forgotten_before_the_sweep_is_named_by_their_pseudonym(
    store: Store, make_member: MemberFactory, read_db: ReadDb
) -> None:
    ana = await make_member(first_name="Ana")
    await store.grant_role(ana.user_id, Role.ORGANISER, OLGA, NOW)
    await store.forget_member(ana.user_id, "quiet-otter-12", NOW)
    await tell_owners(services(store))
    [text] = [text for _, chat, text in notices(read_db) if chat == OLGA]
    assert "gave someone forgotten since (quiet-otter-12) the role organiser" in text
    assert "Ana" not in text
    assert str(ana.user_id) not in text


async def test_owners_hear_of_a_report_posted_to_a_channel_and_an_action_cancelled(
    store: Store, make_member: MemberFactory, make_action: ActionFactory, read_db: ReadDb
) -> None:
    """What one organiser's word sends to many people, besides calls and alerts."""
    ana = await make_member(first_name="Ana")
    action = await make_action(title="Night Picket")
    await store.link_channel(-100777, "Clean River News", None, "channel", ana.user_id, NOW)
    await tell_owners(services(store))
    before = len(notices(read_db))
    async with store._transaction() as db:
        await write_audit(
            db, NOW, ana.user_id, "report:published", None, {"report": 12, "channel": -100777}
        )
    await store.cancel_action(action.id, ana.user_id, NOW)
    await tell_owners(services(store))
    texts = [text for _, chat, text in notices(read_db)[before:] if chat == OLGA]
    assert any("Ana (500001) posted report #12 to Clean River News." in text for text in texts)
    assert any(f"cancelled action #{action.id} Night Picket" in text for text in texts)


async def test_owners_hear_of_a_new_host(
    store: Store, make_member: MemberFactory, make_action: ActionFactory, read_db: ReadDb
) -> None:
    """A host may alert everyone going to their action: making one is a grant like any."""
    bea = await make_member(first_name="Bea")
    await tell_owners(services(store))
    before = len(notices(read_db))
    await make_action(host_id=bea.user_id)
    await make_action(host_id=bea.user_id)  # hosting again is no new role: no second notice
    await tell_owners(services(store))
    texts = [text for _, chat, text in notices(read_db)[before:] if chat == OLGA]
    assert len(texts) == 1
    assert "Bea (500001)" in texts[0] and "host" in texts[0]
