"""A member whose Telegram speaks Serbian gets Turnout in Serbian, dates included."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import RunningBot, labels, shown
from turnout.i18n import Catalogs
from turnout.sandbox.fakebot import FakeTelegram
from turnout.storage import NewAction
from turnout.views.timefmt import time_span

SR = Catalogs("en").translator("sr")


async def test_a_member_flow_in_serbian(bot: RunningBot, telegram: FakeTelegram) -> None:
    data = bot.services
    now = data.clock()
    picket = NewAction("Протест", "", now + timedelta(days=2), "Europe/Belgrade", "Trg", None,
                       None, None, ())  # fmt: skip
    action = await data.store.create_action(picket, 1, [], now)
    jovana = telegram.add_user("Јована", language_code="sr")

    await jovana.send("/start")
    greeting = shown(await jovana.reply())
    assert greeting.startswith(SR("start.greeting.new", name="Јована"))
    assert SR("start.forget") in greeting

    await jovana.send("/actions")
    listing = await jovana.reply()
    await jovana.press(labels(listing)[0])
    await jovana.callback_answer()
    card = await jovana.reply()
    # The date in Serbian, in the member's timezone (Europe/Belgrade by default here).
    span = time_span(action.starts_at, action.end, bot.settings.timezone, "sr")
    assert span in shown(card)
    going = SR("card.button.going")
    assert going in labels(card)
    await jovana.press(going, message=card)
    answer = await jovana.callback_answer()
    assert answer["text"] == SR("rsvp.recorded", answer=SR("answer.going"))

    await jovana.send("/report")
    assert shown(await jovana.reply()) == SR("report.choose_action")
    await jovana.send("/помоћ")  # not a command the bot knows: answered in Serbian too
    assert shown(await jovana.reply()) == SR("help.unknown_command")
    # Her command menu is in Serbian (the one Telegram shows to Serbian-speaking apps).
    scope = {"type": "all_private_chats"}
    serbian = {c["command"]: c["description"] for c in telegram.commands(scope, "sr")}
    assert serbian["report"] == SR("command.report")


async def test_by_place_names_countries_and_cities_in_serbian(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """Cities as Serbian names them ("Београд", "Нови Сад"), as countries already were; the
    Latin alphabet gets their transliteration."""
    data = bot.services
    now = data.clock()
    for title, city_id, city in (
        ("Протест", 792680, "Belgrade"),
        ("Шетња", 792680, "Belgrade"),
        ("Марш", 3194360, "Novi Sad"),
    ):
        where = NewAction(title, "", now + timedelta(days=2), "Europe/Belgrade", "", None, None,
                          None, (), city_id=city_id, city=city, country="RS")  # fmt: skip
        await data.store.create_action(where, 1, [], now)
    for language, serbia, belgrade, novi_sad in (
        ("sr", "Србија", "Београд", "Нови Сад"),
        ("sr-Latn", "Srbija", "Beograd", "Novi Sad"),
    ):
        reader = telegram.add_user("Јована", language_code=language)
        await reader.send("/start")
        await reader.reply()
        await reader.send("/actions")
        listing = await reader.reply()
        await reader.press(labels(listing)[-2], message=listing)  # 🌍 By place
        await reader.callback_answer()
        countries = await reader.edit()
        assert labels(countries)[0] == f"{serbia} (3)"
        await reader.press(f"{serbia} (3)", message=countries)
        await reader.callback_answer()
        cities = await reader.edit()
        assert labels(cities)[:2] == [f"{belgrade} (2)", f"{novi_sad} (1)"]
        await reader.press(f"{belgrade} (2)", message=cities)
        await reader.callback_answer()
        found = shown(await reader.edit())
        heading = Catalogs("en").translator(language).plural("places.actions_in", 2, place="…")
        assert heading.replace("…", f"{belgrade}, {serbia}") in found
