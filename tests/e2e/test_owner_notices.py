"""Owners see the sensitive moves (README, "Owners see the sensitive moves"): a role granted, an
invite used, a channel linked, an export, an alert, each reaches every owner's private chat within
seconds, in the owner's language; with ``TURNOUT_OWNER_NOTICES=off``, nobody is told."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    OWNER_ID,
    Clock,
    RunningBot,
    environment,
    eventually,
    running,
    shown,
    started,
    text_of,
)
from tests.e2e.test_alerts import going, organiser, plan, send_alert
from tests.e2e.test_channels import broadcaster
from tests.e2e.test_cli import turnout
from tests.e2e.test_invites import invite_link
from tests.e2e.test_reports import an_action
from turnout.bot.jobs import OWNERS_EVERY
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.usecases.owners import tell_owners

OSKAR_ID = 4343
#: An owner named in the settings who never opened the bot.
NEVER_STARTED = 4444
#: A notice is due at the next sweep; a little more for the outbox to send it.
WITHIN = OWNERS_EVERY * 2 + 3


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"owner_ids": (OWNER_ID, OSKAR_ID, NEVER_STARTED), "owner_notices": True}


@pytest.fixture
def oskar(telegram: FakeTelegram) -> FakeUser:
    return telegram.add_user("Oskar", user_id=OSKAR_ID, language_code="fr")


def notices(person: FakeUser) -> list[str]:
    """The owners' notices in a person's chat, as shown (the direction isolates around each
    name are invisible)."""
    texts = [shown(m).replace("\u2068", "").replace("\u2069", "") for m in person.inbox]
    return [text for text in texts if text.startswith("🔐")]


async def told(person: FakeUser, words: str) -> str:
    """The notice ``person`` gets that says ``words``, once it has come."""

    def found() -> list[str]:
        return [text for text in notices(person) if words in text]

    await eventually(lambda: bool(found()), f"{person} told {words!r}", timeout=WITHIN)
    return found()[0]


def cursor_caught_up(bot: RunningBot) -> bool:
    [(cursor, newest)] = bot.rows(
        "SELECT last_audit_id, (SELECT MAX(id) FROM audit_log) FROM owner_notices"
    )
    return bool(cursor == newest)


async def test_a_role_granted_reaches_every_owner_once_in_their_language(
    bot: RunningBot, owner: FakeUser, oskar: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    await started(oskar)
    await started(ana)
    await owner.send(f"/grant {ana.id} organiser")
    assert shown(await owner.reply()) == f"Ana ({ana.id}) is now organiser."

    # The owner who made the move is told too: on their other devices, a stolen session shows.
    notice = await told(owner, f"Olga ({OWNER_ID}) gave Ana ({ana.id}) the role organiser.")
    assert "🕒 " in notice
    await told(oskar, f"Olga ({OWNER_ID}) a donné à Ana ({ana.id}) le rôle organisateur.")
    # The owner who never opened the bot cannot be reached; the others were all the same.
    await eventually(
        lambda: (
            bot.rows("SELECT status FROM deliveries WHERE chat_id = :c", c=NEVER_STARTED)
            == [("failed",)]
        ),
        "the notice to an owner who never opened the bot given up",
        timeout=WITHIN,
    )

    # Another sweep (the minute's, a restart's) tells nothing again.
    assert await tell_owners(bot.services) == 0
    await bot.outbox_idle()
    assert len(notices(owner)) == 1
    assert len(notices(oskar)) == 1
    assert cursor_caught_up(bot)


async def test_an_invite_used_is_told(bot: RunningBot, owner: FakeUser, ana: FakeUser) -> None:
    await started(owner)
    payload = await invite_link(owner, "broadcaster")
    await ana.send(f"/start {payload}")
    await ana.replies(2)
    await told(owner, f"Ana ({ana.id}) opened an invite link from Olga ({OWNER_ID}) and is now "
                      "broadcaster.")  # fmt: skip


async def test_a_channel_linked_is_told(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    caster = await broadcaster(owner, ana)
    channel = telegram.add_channel("Clean River News", "cleanrivernews", owner=caster)
    telegram.set_chat_member(channel, telegram.bot_id, "administrator", can_post_messages=True)
    await caster.send("/addchannel")
    await caster.reply()
    await caster.send("@cleanrivernews")
    assert "Linked: Clean River News" in text_of(await caster.reply())
    await told(owner, f"Ana ({ana.id}) linked Clean River News ({channel.id}): calls can now be "
                      "posted there.")  # fmt: skip


async def test_an_export_is_told(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await an_action(bot, "River Rally")
    await started(owner)
    await started(ana)
    await owner.send(f"/grant {ana.id} organiser")
    await ana.reply()
    await ana.send("/export")
    await telegram.wait_for_call("sendDocument", timeout=20)
    await told(owner, f"Ana ({ana.id}) exported everything members sent, photos and videos "
                      "included.")  # fmt: skip
    assert bot.rows("SELECT actor_id, action FROM audit_log WHERE action LIKE 'export%'") == [
        (ana.id, "export:made")
    ]


async def test_an_export_from_the_command_line_is_told(
    bot: RunningBot, owner: FakeUser, tmp_path: Path
) -> None:
    """Made in another process, while the bot runs: the bot finds it in the audit log."""
    await started(owner)
    out = tmp_path / "out" / "export.zip"
    result = await asyncio.to_thread(
        turnout, "export", "--out", str(out), env=environment(database=str(bot.settings.database))
    )
    assert result.returncode == 0, result.stderr
    await told(owner, "the command line on the server exported everything members sent, without "
                      "photos and videos.")  # fmt: skip


async def test_every_alert_is_shown_to_the_owners(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    action = await plan(bot)
    await going(bot, action, ana)
    omar = await organiser(bot, telegram)
    await send_alert(
        omar, "Bridge rally", "Everyone going", "Police at the north gate\nGo south", 1
    )
    notice = await told(owner, f"Omar ({omar.id}) sent an urgent alert about Bridge rally "
                               f"(action #{action.id}) to 1 person going: “Police at the north "
                               "gate”")  # fmt: skip
    assert "Go south" not in notice


async def test_a_name_with_markup_reads_as_typed(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    await started(owner)
    mallory = telegram.add_user('<a href="tg://user?id=4242">Olga</a>' + "x" * 300)
    await started(mallory)
    await owner.send(f"/grant {mallory.id} organiser")
    notice = await told(owner, 'gave <a href="tg://user?id=4242">Olga</a>xxx')
    assert "…" in notice
    assert len(notice) < 600


async def test_switched_off_owners_are_told_nothing_and_later_no_history(
    telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    clock: Clock,
    owner: FakeUser,
    ana: FakeUser,
) -> None:
    off = make_settings(owner_notices=False)
    async with running(off, clock, telegram) as bot:
        await started(owner)
        await started(ana)
        await owner.send(f"/grant {ana.id} organiser")
        await owner.reply()
        await eventually(lambda: cursor_caught_up(bot), "the cursor moved on", timeout=WITHIN)
        await bot.outbox_idle()
    assert notices(owner) == []

    async with running(make_settings(owner_notices=True), clock, telegram) as bot:
        await owner.send(f"/revoke {ana.id} organiser")
        await owner.reply()
        await told(owner, f"took the role organiser away from Ana ({ana.id})")
        await bot.outbox_idle()
    assert len(notices(owner)) == 1, "the grant made while off is not told later"
