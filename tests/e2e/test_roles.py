"""Owners grant, revoke and list roles; the people concerned are told and get the right menu."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import OWNER_ID, RunningBot, labels, shown, started, text_of
from turnout.sandbox.fakebot import FakeUser


def chat_scope(user: FakeUser) -> dict[str, object]:
    return {"type": "chat", "chat_id": user.id}


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_grant_then_revoke(bot: RunningBot, owner: FakeUser, ana: FakeUser) -> None:
    await started(owner)
    await started(ana)

    await owner.send(f"/grant {ana.id} organiser")
    assert shown(await owner.reply()) == f"Ana ({ana.id}) is now organiser."
    assert "You are now organiser" in text_of(await ana.reply())
    assert bot.rows("SELECT user_id, role, granted_by FROM roles") == [
        (ana.id, "organiser", OWNER_ID)
    ]
    assert "grant" not in await bot.menu_of(ana, expect="help")

    await owner.send(f"/revoke {ana.id} organiser")
    assert shown(await owner.reply()) == f"Ana ({ana.id}) is no longer organiser."
    assert "no longer organiser" in text_of(await ana.reply())
    assert bot.rows("SELECT COUNT(*) FROM roles") == [(0,)]
    # Back to the member menu (no organiser commands).
    await bot.telegram.wait_until(
        lambda: (
            "newaction" not in [c["command"] for c in bot.telegram.commands(chat_scope(ana))]
            and "report" in [c["command"] for c in bot.telegram.commands(chat_scope(ana))]
        ),
        message="Ana's menu kept the organiser's commands",
    )

    audit = bot.rows("SELECT actor_id, action, target_id, detail FROM audit_log ORDER BY id")
    assert [(actor, action, target) for actor, action, target, _ in audit] == [
        (OWNER_ID, "role:grant", ana.id),
        (OWNER_ID, "role:revoke", ana.id),
    ]
    assert json.loads(audit[0][3]) == {"role": "organiser"}


async def test_granting_twice_changes_nothing(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(ana)
    await owner.send(f"/grant {ana.id} broadcaster")
    await owner.reply()
    await owner.send(f"/grant {ana.id} Broadcaster")
    assert "already broadcaster" in text_of(await owner.reply())
    assert bot.rows("SELECT COUNT(*) FROM audit_log") == [(1,)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/grant", "Usage: /grant"),
        ("/grant ana organiser", "Usage: /grant"),
        ("/grant 100001", "Usage: /grant"),
        ("/grant 100001 owner", "is not a role that can be handed out"),
        ("/grant 100001 king", "is not a role that can be handed out"),
        ("/grant 777 organiser", "has not opened the bot yet"),
        ("/revoke 100001", "Usage: /revoke"),
        ("/revoke 100001 organiser", "is not organiser; nothing changed"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, command: str, expected: str
) -> None:
    await started(owner)
    await started(ana)
    assert ana.id == 100001
    before = bot.snapshot()
    await owner.send(command)
    assert expected in text_of(await owner.reply())
    assert bot.snapshot() == before


async def test_roles_lists_holders_and_revokes_by_button(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(ana)
    await owner.send("/roles")
    empty = await owner.reply()
    assert f"<code>{OWNER_ID}</code>" in text_of(empty)
    assert "Nobody has been granted a role yet" in text_of(empty)

    await owner.send(f"/grant {ana.id} organiser")
    await owner.reply()
    await owner.send("/roles")
    listing = await owner.reply()
    assert f"Ana (<code>{ana.id}</code>): organiser" in text_of(listing)
    assert labels(listing) == ["Revoke organiser from Ana"]

    await owner.press("Revoke organiser from Ana")
    assert (await owner.callback_answer())["text"] == "Revoked."
    assert "Nobody has been granted a role yet" in text_of(await owner.edit())
    assert bot.rows("SELECT COUNT(*) FROM roles") == [(0,)]

    # The same (now stale) button again: nothing to revoke, and the owner is told.
    await owner.press_data(f"role:{ana.id}:organiser", listing)
    assert (await owner.callback_answer())["text"] == "They no longer hold that role."
