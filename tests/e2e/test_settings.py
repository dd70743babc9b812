"""/settings as a member uses it: their timezone, and which reminders they want."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot, labels, shown, started, text_of
from turnout.sandbox.fakebot import FakeUser


async def test_a_member_sets_their_timezone_by_city(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    await ana.send("/settings")
    view = await ana.reply()
    assert "Time zone: UTC" in shown(view)
    await ana.press("Change time zone")
    await ana.callback_answer()
    assert "name of your city" in text_of(await ana.reply())
    await ana.send("Xyzzyville")
    assert "don't know that place" in text_of(await ana.reply())
    await ana.send("Novi Sad")
    assert "Europe/Belgrade" in text_of(await ana.reply())
    assert "Time zone: Europe/Belgrade" in shown(await ana.reply())
    assert bot.rows("SELECT timezone FROM members") == [("Europe/Belgrade",)]


async def test_an_offset_zone_is_shown_as_typed(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    await ana.send("/settings")
    await ana.reply()
    await ana.press("Change time zone")
    await ana.callback_answer()
    await ana.reply()
    await ana.send("UTC+14")
    assert "UTC+14" in text_of(await ana.reply())
    assert "Time zone: UTC+14" in shown(await ana.reply())
    assert bot.rows("SELECT timezone FROM members") == [("Etc/GMT-14",)]


async def test_a_member_chooses_their_reminders(bot: RunningBot, ana: FakeUser) -> None:
    await started(ana)
    await ana.send("/settings")
    view = await ana.reply()
    assert "Reminders before actions you answered Going or Maybe: all" in shown(view)
    assert labels(view)[2:4] == ["✓ 24 hours", "✓ 2 hours"]
    await ana.press("✓ 24 hours")
    await ana.callback_answer()
    edited = await ana.edit()
    assert labels(edited)[2:4] == ["24 hours", "✓ 2 hours"]
    assert bot.rows("SELECT reminder_minutes FROM members") == [("120",)]
    await ana.press("No reminders")
    await ana.callback_answer()
    assert "Going or Maybe: none" in shown(await ana.edit())
    assert bot.rows("SELECT reminder_minutes FROM members") == [("",)]
    await ana.press("All reminders")
    await ana.callback_answer()
    await ana.edit()
    assert bot.rows("SELECT reminder_minutes FROM members") == [(None,)]


async def test_a_member_chooses_the_language_and_whether_organisers_see_their_name(
    bot: RunningBot, ana: FakeUser
) -> None:
    await started(ana)
    await ana.send("/settings")
    view = await ana.reply()
    assert "Language: English" in shown(view)
    assert "never your name" in shown(view)
    await ana.press("Show my name to organisers", message=view)
    await ana.callback_answer()
    shown_view = await ana.edit()
    assert "(Ana)" in shown(shown_view)
    assert bot.rows("SELECT show_name FROM members WHERE user_id = :u", u=ana.id) == [(1,)]
    await ana.press("🌐 Language", message=shown_view)
    await ana.callback_answer()
    choice = await ana.edit()
    assert "Español" in labels(choice) and "Српски" in labels(choice)
    await ana.press("Español", message=choice)
    await ana.callback_answer()
    spanish = await ana.edit()
    assert "Español" in shown(spanish)
    assert "Language" not in shown(spanish)
    assert bot.rows("SELECT language FROM members WHERE user_id = :u", u=ana.id) == [("es",)]
    # The command menu follows, in Spanish.
    scope = {"type": "chat", "chat_id": ana.id}

    def menu() -> dict[str, str]:
        return {e["command"]: e["description"] for e in bot.telegram.commands(scope)}

    await bot.telegram.wait_until(
        lambda: menu().get("report", "").startswith("Enviar un informe"),
        message="Ana's menu is not in Spanish",
    )
