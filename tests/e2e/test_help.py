"""/help and the command menus show each person exactly what they may use."""

from __future__ import annotations

import asyncio
import re

from tests.e2e.conftest import OWNER_ID, RunningBot, shown, started
from turnout.handlers.common.floodgate import FloodGate
from turnout.sandbox.fakebot import FakeUser
from turnout.storage import Role

MEMBER_COMMANDS = [
    "start", "help", "subscribe", "unsubscribe", "actions", "settings", "report", "done",
    "myreports", "forgetme", "propose",
]  # fmt: skip
ORGANISER_COMMANDS = [
    *MEMBER_COMMANDS, "newaction", "review", "alert", "proposals", "export", "stats", "campaign",
]  # fmt: skip
HOST_COMMANDS = [*MEMBER_COMMANDS, "review", "alert"]
OWNER_COMMANDS = [
    *ORGANISER_COMMANDS, "addchannel", "channels", "newcall", "calls",
    "grant", "revoke", "roles", "invite",
]  # fmt: skip


def commands_in(help_text: str) -> list[str]:
    return re.findall(r"^/(\w+) — ", help_text, flags=re.MULTILINE)


async def test_help_for_a_member(bot: RunningBot, ana: FakeUser) -> None:
    await ana.send("/help")
    text = shown(await ana.reply())
    assert commands_in(text) == MEMBER_COMMANDS
    assert "Your roles" not in text


async def test_help_for_an_owner(bot: RunningBot, owner: FakeUser) -> None:
    await owner.send("/help")
    text = shown(await owner.reply())
    assert commands_in(text) == OWNER_COMMANDS
    assert "Your roles: owner" in text


async def test_help_for_a_host(bot: RunningBot, ana: FakeUser) -> None:
    """A host (of a proposal that was approved) reviews, and plans nothing else."""
    await started(ana)
    data = bot.services
    await data.store.grant_role(ana.id, Role.HOST, OWNER_ID, data.clock())
    await ana.send("/help")
    assert commands_in(shown(await ana.reply())) == HOST_COMMANDS


async def test_help_for_an_organiser(bot: RunningBot, owner: FakeUser, ana: FakeUser) -> None:
    await started(ana)
    await owner.send(f"/grant {ana.id} organiser")
    await owner.reply()
    await ana.reply()
    await ana.send("/help")
    text = shown(await ana.reply())
    assert commands_in(text) == ORGANISER_COMMANDS
    assert "Your roles: organiser" in text


async def test_menus_are_published_at_start(bot: RunningBot) -> None:
    telegram = bot.telegram
    members = [c["command"] for c in telegram.commands({"type": "all_private_chats"})]
    assert members == MEMBER_COMMANDS
    english = telegram.commands({"type": "all_private_chats"}, language_code="en")
    assert [c["command"] for c in english] == MEMBER_COMMANDS
    # The owner has not opened the bot in this test, so Telegram refuses their chat's menu;
    # the bot must carry on (and set it once they hold a role and come by).
    owner_scope = {"type": "chat", "chat_id": OWNER_ID}
    [attempt] = [c for c in telegram.calls_to("setMyCommands") if c.params["scope"] == owner_scope]
    assert attempt.error == "Bad Request: chat not found"
    assert [c["command"] for c in attempt.params["commands"]] == OWNER_COMMANDS


async def test_a_flood_is_answered_once_and_then_ignored(bot: RunningBot, ana: FakeUser) -> None:
    bot.application.bot_data.flood = FloodGate(limit=5, window=2.0)
    for _ in range(8):
        await ana.send("/help")
    replies = await ana.replies(6, timeout=10)
    assert [shown(r).startswith("Slow down") for r in replies] == [False] * 5 + [True]
    await ana.no_reply(within=0.5)
    await asyncio.sleep(2.0)  # the window passes
    await ana.send("/help")
    assert "/report" in shown(await ana.reply())
