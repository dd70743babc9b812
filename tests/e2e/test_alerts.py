"""Urgent alerts (README, "Urgent alerts"): an organiser, or a host for their own action, sends
a short message to everyone going or only to those checked in; each gets it pinned, in their
language, ahead of anything else queued; a member can mute an action's alerts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.e2e.conftest import (
    Clock,
    RunningBot,
    button_data,
    eventually,
    labels,
    running,
    shown,
    started,
    text_of,
)
from tests.e2e.test_local_actions import forms_are_no_flood
from turnout.config import Settings
from turnout.delivery import Payload
from turnout.limits import ALERT_CHARACTERS
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Action, Answer, NewAction, Role
from turnout.storage.purposes import CallCopy
from turnout.views.alerts import PICK_ACTION
from turnout.views.buttons import MuteAlerts, PromptButton

REFUSAL = "Sorry, that is not for you: your role does not allow it."
SEND = "🚨 Send now"


async def plan(
    bot: RunningBot,
    title: str = "Bridge rally",
    *,
    starts_in: timedelta = timedelta(minutes=30),
    host: FakeUser | None = None,
) -> Action:
    """An action about to start (its alerts are open), planned straight in the store."""
    data = bot.services
    now = data.clock()
    new = NewAction(
        title, "", now + starts_in, "UTC", "The old bridge", None, None, None, (),
        host_id=host.id if host else None,
    )  # fmt: skip
    return await data.store.create_action(new, 1, [], now)


async def going(bot: RunningBot, action: Action, *people: FakeUser) -> None:
    """Each opens the bot and answers Going."""
    data = bot.services
    for person in people:
        await started(person)
        await data.store.answer_rsvp(action.id, person.id, Answer.GOING, data.clock())


async def organiser(bot: RunningBot, telegram: FakeTelegram, name: str = "Omar") -> FakeUser:
    person = telegram.add_user(name)
    await started(person)
    data = bot.services
    await data.store.grant_role(person.id, Role.ORGANISER, 1, data.clock())
    return person


def _label(message: dict[str, Any], start: str) -> str:
    found = [label for label in labels(message) if label.startswith(start)]
    assert found, (start, labels(message))
    return found[0]


async def compose(sender: FakeUser, title: str, audience: str, text: str) -> dict[str, Any]:
    """/alert up to the preview: the action, the audience (a label's start), the text."""
    await sender.send("/alert")
    choice = await sender.reply()
    assert "Which action is the alert for?" in text_of(choice)
    await sender.press(_label(choice, title), message=choice)
    audiences = await sender.reply()
    await sender.press(_label(audiences, audience), message=audiences)
    assert "Type the alert" in text_of(await sender.reply())
    await sender.send(text)
    return await sender.reply()


async def delivered(sender: FakeUser, status: dict[str, Any], total: int) -> None:
    """The sender's status message reaches "Delivered to N of N"."""
    plural = "chat" if total == 1 else "chats"
    done = f"Delivered to {total} of {total} {plural}"

    def current() -> str:
        return next(shown(m) for m in sender.inbox if m["message_id"] == status["message_id"])

    await eventually(lambda: done in current(), f"the status says {done!r}", timeout=10)


async def send_alert(
    sender: FakeUser, title: str, audience: str, text: str, total: int
) -> dict[str, Any]:
    preview = await compose(sender, title, audience, text)
    await sender.press(SEND, message=preview)
    status = await sender.reply()
    assert f"Alert about {title} sent." in shown(status)
    await delivered(sender, status, total)
    return preview


async def toast(telegram: FakeTelegram, press: dict[str, Any]) -> str:
    """What the bot answered to one press (``press``: the update ``press`` returned)."""
    query = str(press["callback_query"]["id"])

    def answers() -> list[dict[str, Any]]:
        return [a for a in telegram.callback_answers if a["callback_query_id"] == query]

    await eventually(lambda: bool(answers()), "an answer to the press")
    return str(answers()[0].get("text", ""))


def pinned(telegram: FakeTelegram, person: FakeUser) -> int | None:
    return telegram.world.chat(person.id).pinned_message_id


async def test_an_organiser_alerts_everyone_going_each_in_their_language_pinned(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    forms_are_no_flood(bot)
    omar = await organiser(bot, telegram)
    action = await plan(bot)
    ana, sofia, cleo = (
        telegram.add_user("Ana"),
        telegram.add_user("Sofía", language_code="es"),
        telegram.add_user("Cleo"),
    )
    dan = telegram.add_user("Dan")
    await going(bot, action, ana, sofia, cleo)
    await started(dan)
    await bot.services.store.answer_rsvp(action.id, dan.id, Answer.MAYBE, bot.services.clock())

    await omar.send("/alert")
    choice = await omar.reply()
    assert labels(choice) == ["Bridge rally", "Cancel"]
    await omar.press("Bridge rally")
    audiences = await omar.reply()
    assert labels(audiences) == ["Everyone going (3)", "Only those checked in (0)", "Cancel"]
    await omar.press("Everyone going (3)")
    await omar.reply()
    await omar.send("Police block the bridge; walk to the <north> gate.")
    preview = await omar.reply()
    assert "URGENT · Bridge rally" in shown(preview)
    assert "walk to the <north> gate" in shown(preview)
    assert "It goes to 3 people going to Bridge rally." in shown(preview)
    assert not ana.inbox[1:], "nothing goes out before Send"

    await omar.press(SEND, message=preview)
    status = await omar.reply()
    await delivered(omar, status, 3)

    alert = await ana.reply()
    assert shown(alert).startswith("🚨 URGENT · Bridge rally")
    assert "walk to the &lt;north&gt; gate." in text_of(alert), "the text is escaped"
    assert labels(alert) == ["🔕 Mute alerts for this action"]
    assert pinned(telegram, ana) == alert["message_id"]
    spanish = await sofia.reply()
    assert shown(spanish).startswith("🚨 URGENTE · Bridge rally")
    assert labels(spanish) == ["🔕 Silenciar las alertas de esta acción"]
    assert pinned(telegram, sofia) == spanish["message_id"]
    assert pinned(telegram, cleo) is not None
    await dan.no_reply(within=0.3)
    assert pinned(telegram, dan) is None
    assert bot.rows("SELECT audience, text FROM alerts") == [
        ("going", "Police block the bridge; walk to the <north> gate.")
    ]
    assert bot.rows("SELECT actor_id FROM audit_log WHERE action = 'alert:sent'") == [(omar.id,)]

    # The Send button of the preview (a screen not yet refreshed still shows it), pressed
    # again once the flow ended: nothing more.
    again = await omar.press_data(button_data(preview, SEND), preview)
    assert "This question is closed" in await toast(telegram, again)
    await asyncio.sleep(0.3)
    assert bot.rows("SELECT COUNT(*) FROM alerts") == [(1,)]
    assert bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'alert:%'") == [(3,)]


async def test_a_muted_member_does_not_get_the_next_alert_and_can_hear_them_again(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    forms_are_no_flood(bot)
    omar = await organiser(bot, telegram)
    action = await plan(bot)
    other = await plan(bot, "Second rally", starts_in=timedelta(hours=2))
    ana, ben = telegram.add_user("Ana"), telegram.add_user("Ben")
    await going(bot, action, ana, ben)
    await bot.services.store.answer_rsvp(other.id, ana.id, Answer.GOING, bot.services.clock())

    await send_alert(omar, "Bridge rally", "Everyone going", "Rain: bring a coat.", 2)
    first = await ana.reply()
    await ben.reply()
    muting = await ana.press("🔕 Mute alerts for this action", message=first)
    assert (await toast(telegram, muting)).startswith("Alerts for this action are muted")
    turned = await ana.edit(of=first)
    assert labels(turned) == ["🔔 Hear this action's alerts again"]

    preview = await compose(omar, "Bridge rally", "Everyone going", "Move to the north gate.")
    assert "It goes to 1 person going" in shown(preview)
    await omar.press(SEND, message=preview)
    await delivered(omar, await omar.reply(), 1)
    assert "north gate" in shown(await ben.reply())
    await ana.no_reply(within=0.3)
    assert pinned(telegram, ana) == first["message_id"]

    # Muted for that action only.
    await send_alert(omar, "Second rally", "Everyone going", "Starts late.", 1)
    assert "Starts late." in shown(await ana.reply())

    hearing = await ana.press("🔔 Hear this action's alerts again", message=first)
    assert (await toast(telegram, hearing)).startswith("You will get this action's alerts")
    assert labels(await ana.edit(of=first)) == ["🔕 Mute alerts for this action"]
    await send_alert(omar, "Bridge rally", "Everyone going", "Go home safely.", 2)
    assert "Go home safely." in shown(await ana.reply())


async def test_an_alert_to_those_checked_in_reaches_only_them(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    forms_are_no_flood(bot)
    omar = await organiser(bot, telegram)
    action = await plan(bot)
    ana, ben = telegram.add_user("Ana"), telegram.add_user("Ben")
    await going(bot, action, ana, ben)
    bot.clock.advance(timedelta(minutes=50))  # under way
    data = bot.services
    assert await data.store.check_in(action.id, ben.id, data.clock()) is not None

    await omar.send("/alert")
    choice = await omar.reply()
    assert labels(choice)[0] == "Bridge rally · under way"
    await omar.press("Bridge rally · under way")
    audiences = await omar.reply()
    assert labels(audiences)[:2] == ["Everyone going (2)", "Only those checked in (1)"]
    await omar.press("Only those checked in (1)")
    await omar.reply()
    await omar.send("Stay together, police ahead.")
    preview = await omar.reply()
    assert "It goes to 1 person checked in at Bridge rally." in shown(preview)
    await omar.press(SEND, message=preview)
    await delivered(omar, await omar.reply(), 1)
    assert "Stay together" in shown(await ben.reply())
    assert pinned(telegram, ben) is not None
    await ana.no_reply(within=0.3)
    assert bot.rows("SELECT audience FROM alerts") == [("here",)]


async def test_a_host_alerts_their_own_action_and_no_other(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    forms_are_no_flood(bot)
    hana = telegram.add_user("Hana")
    await started(hana)
    mine = await plan(bot, "Hana's picket", host=hana)
    await bot.services.hooks.roles_changed(hana.id)  # as approving her proposal does
    theirs = await plan(bot, "Organisers' march", starts_in=timedelta(minutes=10))
    ana = telegram.add_user("Ana")
    await going(bot, mine, ana)
    await bot.services.store.answer_rsvp(theirs.id, ana.id, Answer.GOING, bot.services.clock())
    assert "alert" in await bot.menu_of(hana, expect="alert")

    await hana.send("/alert")
    choice = await hana.reply()
    assert labels(choice) == ["Hana's picket", "Cancel"]
    # A forged press for the other action is refused, and the question ends.
    prompt = PromptButton.decode(button_data(choice, "Hana's picket"))
    assert prompt is not None
    forged = PromptButton(prompt.prompt, PICK_ACTION, theirs.id).encode()
    assert await toast(telegram, await hana.press_data(forged, choice)) == REFUSAL
    await eventually(lambda: not bot.rows("SELECT 1 FROM prompts"), "the question closed")

    await send_alert(hana, "Hana's picket", "Everyone going", "We start at the fountain.", 1)
    assert "fountain" in shown(await ana.reply())
    assert bot.rows("SELECT action_id, sent_by FROM alerts") == [(mine.id, hana.id)]


async def test_members_and_broadcasters_may_not_alert(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    action = await plan(bot)
    ana, bea = telegram.add_user("Ana"), telegram.add_user("Bea")
    await going(bot, action, ana)
    await started(bea)
    data = bot.services
    await data.store.grant_role(bea.id, Role.BROADCASTER, 1, data.clock())
    for person in (ana, bea):
        await person.send("/alert")
        assert text_of(await person.reply()) == REFUSAL
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]
    # A mute button forged for an action the person never answered: nothing to mute.
    forged = await bea.press_data(MuteAlerts(action.id, True).encode())
    assert "not on the list" in await toast(telegram, forged)


async def test_an_empty_or_too_long_alert_is_refused_and_the_question_stays(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    forms_are_no_flood(bot)
    omar = await organiser(bot, telegram)
    action = await plan(bot)
    ana = telegram.add_user("Ana")
    await going(bot, action, ana)
    await omar.send("/alert")
    await omar.reply()
    await omar.press("Bridge rally")
    await omar.reply()
    await omar.press("Everyone going (1)")
    await omar.reply()
    await omar.send("x" * (ALERT_CHARACTERS + 1))
    assert f"at most {ALERT_CHARACTERS} characters" in text_of(await omar.reply())
    await omar.send("   ")
    assert "The alert has no text" in text_of(await omar.reply())
    await omar.send_photo()
    assert "the text of the alert" in text_of(await omar.reply())
    await omar.send("x" * ALERT_CHARACTERS)
    preview = await omar.reply()
    assert "It goes to 1 person" in shown(preview)
    await omar.press("✏️ Change", message=preview)
    await omar.reply()
    await omar.send("Shorter.")
    preview = await omar.reply()
    await omar.press("Cancel", message=preview)
    assert "The alert was not sent." in text_of(await omar.reply())
    assert bot.rows("SELECT COUNT(*) FROM alerts") == [(0,)]
    await ana.no_reply(within=0.2)


async def test_with_no_action_open_for_alerts_the_sender_is_told_why(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    omar = await organiser(bot, telegram)
    await plan(bot, starts_in=timedelta(days=3))  # too early
    await omar.send("/alert")
    answer = text_of(await omar.reply())
    assert "no action you can alert right now" in answer
    assert "24 hours before an action starts" in answer
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]


async def test_an_alert_goes_before_a_backlog_of_a_call_s_copies(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    """300 copies of a call queued in the normal lane, a few sent; then an alert: every copy
    of the alert goes out before the rest of the backlog."""
    backlog = [telegram.add_user(f"Subscriber {n}") for n in range(300)]
    async with running(make_settings(rate_limit=60.0), clock, telegram) as bot:
        forms_are_no_flood(bot)
        omar = await organiser(bot, telegram)
        action = await plan(bot)
        members = [telegram.add_user(f"Member {n}") for n in range(5)]
        await going(bot, action, *members)
        preview = await compose(omar, "Bridge rally", "Everyone going", "Bridge closed.")

        call = CallCopy(99, "text")
        outbox = bot.services.outbox
        await outbox.enqueue(call, [(person.id, Payload("A call")) for person in backlog])
        backlog_ids = {person.id for person in backlog}

        def sends(since: int = 0) -> list[int]:
            return [
                int(c.params["chat_id"])
                for c in telegram.calls[since:]
                if c.method == "sendMessage" and c.ok
            ]

        await eventually(
            lambda: sum(chat in backlog_ids for chat in sends()) >= 30, "some copies of the call"
        )
        mark = telegram.mark()
        await omar.press(SEND, message=preview)
        await delivered(omar, await omar.reply(), 5)
        order = sends(mark)
        member_ids = {person.id for person in members}
        alert_at = [index for index, chat in enumerate(order) if chat in member_ids]
        assert len(alert_at) == 5
        assert alert_at[-1] - alert_at[0] == 4, "no copy of the call between two alert copies"
        # The status is sent once the alert is queued: from then on, only the copies of the
        # call already being sent (at most one per slot in flight) may go before the alert.
        queued = order.index(omar.id)
        jumped = [chat for chat in order[queued : alert_at[0]] if chat in backlog_ids]
        assert len(jumped) <= bot.settings.max_in_flight, jumped
        left = [chat for chat in order[alert_at[-1] :] if chat in backlog_ids]
        assert len(left) > 100, "the alert went before the rest of the backlog"
        await bot.outbox_idle()


async def test_a_role_revoked_or_an_action_cancelled_before_send_sends_nothing(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    forms_are_no_flood(bot)
    omar = await organiser(bot, telegram)
    action = await plan(bot)
    ana = telegram.add_user("Ana")
    await going(bot, action, ana)
    data = bot.services

    preview = await compose(omar, "Bridge rally", "Everyone going", "Go north.")
    await data.store.revoke_role(omar.id, Role.ORGANISER, 1, data.clock())
    refused = await omar.press(SEND, message=preview)
    assert await toast(telegram, refused) == REFUSAL

    await data.store.grant_role(omar.id, Role.ORGANISER, 1, data.clock())
    preview = await compose(omar, "Bridge rally", "Everyone going", "Go north.")
    await data.store.cancel_action(action.id, 1, data.clock())
    gone = await omar.press(SEND, message=preview)
    assert "cancelled" in await toast(telegram, gone)
    await eventually(lambda: not bot.rows("SELECT 1 FROM prompts"), "the question closed")
    assert bot.rows("SELECT COUNT(*) FROM alerts") == [(0,)]
    assert "Go north." not in [shown(m) for m in ana.inbox]
