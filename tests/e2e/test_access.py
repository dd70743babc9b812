"""Every privileged command and button, tried by people who may not use it.

The cases come from the handler registry, so a new privileged command or button is covered
without touching this file. A refusal must say so and leave the database exactly as it was.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.conftest import OWNER_ID, RunningBot, started, text_of
from turnout.handlers.common.commands import CommandEntry
from turnout.handlers.routes import COMMANDS, HANDLERS, Button
from turnout.permissions import allowed
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import NewAction, Role

REFUSAL = "Sorry, that is not for you: your role does not allow it."

# Plausible arguments, so that a missing guard would make the command do real damage.
ARGUMENTS = {
    "grant": "{victim} organiser",
    "revoke": "{victim} organiser",
    "invite": "organiser",
}
# Plausible data for each family of buttons, for the same reason.
BUTTON_DATA = {
    "role": "role:{victim}:organiser",
    "invite": "invite:organiser",
    "org": "org:{action}:cancel_yes",
    "orf": "orf:{action}:title",
    "chan": "chan:-1001234567890",
    "calls": "calls:delete_yes:1",
    "rv": "rv:ok:1",
    "pub": "pub:1:-1001234567890",
    "pv": "pv:b:1",
    "pp": "pp:ok:1",
    "pe": "pe:1:title",
    "sfc": "sfc:{action}:ask",
    "appr": "appr:1:ok",
}

PRIVILEGED_COMMANDS = [command for command in COMMANDS if command.roles]
PRIVILEGED_BUTTONS = [r for r in HANDLERS if isinstance(r, Button) and r.roles]
# Who tries: a plain member, and each grantable role that the entry does not allow.
TRIERS: list[frozenset[Role]] = [
    frozenset(),
    frozenset({Role.ORGANISER}),
    frozenset({Role.BROADCASTER}),
    frozenset({Role.ORGANISER, Role.BROADCASTER}),
]


def test_the_registry_has_privileged_entries() -> None:
    """Guards the tests below against a registry change that leaves them nothing to try."""
    assert {c.name for c in PRIVILEGED_COMMANDS} >= {
        "grant",
        "revoke",
        "roles",
        "invite",
        "newaction",
    }
    assert {b.prefix for b in PRIVILEGED_BUTTONS} >= {"role", "invite", "org"}


async def intruder(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, roles: frozenset[Role]
) -> tuple[FakeUser, FakeUser]:
    """A member holding ``roles`` (granted the real way), and a victim who holds organiser."""
    victim = telegram.add_user("Vera")
    mallory = telegram.add_user("Mallory")
    await started(victim)
    await started(mallory)
    await owner.send(f"/grant {victim.id} organiser")
    await owner.reply()
    for role in roles:
        await owner.send(f"/grant {mallory.id} {role}")
        await owner.reply()
    await victim.replies(1)
    if roles:
        await mallory.replies(len(roles))
    await bot.outbox_idle()  # the messages about the new roles, fully recorded
    return mallory, victim


async def an_action(bot: RunningBot) -> int:
    """An action for forged organiser buttons to aim at."""
    data = bot.services
    now = data.clock()
    new = NewAction("Clean River Rally", "", now + timedelta(days=2), "UTC", "Old bridge",
                    None, None, None, (120,))  # fmt: skip
    return (await data.store.create_action(new, OWNER_ID, [], now)).id


@pytest.mark.parametrize("held", TRIERS, ids=lambda r: "+".join(sorted(r)) or "member")
@pytest.mark.parametrize("command", PRIVILEGED_COMMANDS, ids=lambda c: c.name)
async def test_privileged_commands_are_refused(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    command: CommandEntry,
    held: frozenset[Role],
) -> None:
    if allowed(held, command.roles):
        pytest.skip("this role may use the command")
    mallory, victim = await intruder(bot, telegram, owner, held)
    before = bot.snapshot()
    arguments = ARGUMENTS.get(command.name, "").format(victim=victim.id)
    await mallory.send(f"/{command.name} {arguments}".strip())
    assert text_of(await mallory.reply()) == REFUSAL
    await victim.no_reply(within=0.2)
    assert bot.snapshot() == before


@pytest.mark.parametrize("held", TRIERS[1:], ids=lambda r: "+".join(sorted(r)))
@pytest.mark.parametrize("command", PRIVILEGED_COMMANDS, ids=lambda c: c.name)
async def test_privileged_commands_are_open_to_their_roles(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    command: CommandEntry,
    held: frozenset[Role],
) -> None:
    """The other half: whoever holds a role the command allows gets past the guard."""
    if not allowed(held, command.roles):
        pytest.skip("this role may not use the command")
    mallory, victim = await intruder(bot, telegram, owner, held)
    arguments = ARGUMENTS.get(command.name, "").format(victim=victim.id)
    await mallory.send(f"/{command.name} {arguments}".strip())
    assert text_of(await mallory.reply(timeout=10)) != REFUSAL


@pytest.mark.parametrize("held", TRIERS, ids=lambda r: "+".join(sorted(r)) or "member")
@pytest.mark.parametrize("button", PRIVILEGED_BUTTONS, ids=lambda b: b.prefix)
async def test_forged_privileged_buttons_are_refused(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    button: Button,
    held: frozenset[Role],
) -> None:
    if allowed(held, button.roles):
        pytest.skip("this role may press the button")
    mallory, victim = await intruder(bot, telegram, owner, held)
    action_id = await an_action(bot)
    before = bot.snapshot()
    data = BUTTON_DATA[button.prefix]
    data = data.format(victim=victim.id, action=action_id)
    # The forged press is made on the member's own greeting, which never had such a button.
    await mallory.press_data(data, mallory.inbox[0])
    answer = await mallory.callback_answer()
    assert answer["text"] == REFUSAL
    assert answer["show_alert"] is True
    await mallory.no_reply(within=0.2)
    assert bot.snapshot() == before
