"""One-time invite links: redeemed by the first opener, refused after, and expiring."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.e2e.conftest import Clock, RunningBot, labels, started, text_of
from turnout.sandbox.fakebot import FakeUser

LINK = re.compile(r"https://t\.me/turnout_test_bot\?start=(inv_[A-Za-z0-9_-]+)")


async def invite_link(owner: FakeUser, role: str) -> str:
    await owner.send(f"/invite {role}")
    text = text_of(await owner.reply())
    match = LINK.search(text)
    assert match, text
    return match[1]


async def test_an_invite_is_redeemed_once(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    payload = await invite_link(owner, "organiser")
    assert len(payload) <= 64, "Telegram's limit for a start payload"

    await ana.send(f"/start {payload}")
    greeting, granted = await ana.replies(2)
    assert text_of(greeting).startswith("Hello, Ana!")
    assert "You are now organiser" in text_of(granted)
    assert bot.rows("SELECT user_id, role FROM roles") == [(ana.id, "organiser")]
    assert "grant" not in await bot.menu_of(ana, expect="help")

    await ben.send(f"/start {payload}")
    _, refused = await ben.replies(2)
    assert "already been used" in text_of(refused)
    assert bot.rows("SELECT user_id FROM roles") == [(ana.id,)]
    actions = [action for (action,) in bot.rows("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["invite:create", "invite:redeem"]


async def test_an_invite_expires_after_48_hours(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, clock: Clock
) -> None:
    await started(ana)
    payload = await invite_link(owner, "broadcaster")
    clock.advance(timedelta(hours=48, seconds=1))
    await ana.send(f"/start {payload}")
    assert "expired" in text_of(await ana.reply())
    assert bot.rows("SELECT COUNT(*) FROM roles") == [(0,)]


async def test_an_invite_just_before_expiry_works(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, clock: Clock
) -> None:
    await started(ana)
    payload = await invite_link(owner, "broadcaster")
    clock.advance(timedelta(hours=47, minutes=59))
    await ana.send(f"/start {payload}")
    assert "You are now broadcaster" in text_of(await ana.reply())


async def test_a_mangled_link_is_refused(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    await ana.send("/start inv_notarealtoken")
    assert "not valid" in text_of(await ana.reply())
    assert bot.rows("SELECT COUNT(*) FROM roles") == [(0,)]


async def test_choosing_the_role_with_buttons(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await owner.send("/invite")
    choice = await owner.reply()
    assert labels(choice) == ["organiser", "broadcaster"]
    await owner.press("broadcaster")
    edited = await owner.edit()
    match = LINK.search(text_of(edited))
    assert match, text_of(edited)
    await ana.send(f"/start {match[1]}")
    _, granted = await ana.replies(2)
    assert "You are now broadcaster" in text_of(granted)
