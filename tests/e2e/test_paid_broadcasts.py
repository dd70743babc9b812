"""Paid broadcasts (README, "Paid broadcasts"): with ``TURNOUT_PAID_BROADCAST_RATE`` set, the
sender of a large call or alert sees what going faster costs in Stars and the bot's balance,
and chooses; paid, the copies above the free rate carry ``allow_paid_broadcast``; the owners
hear of every paid broadcast; when the Stars run out the rest goes at the free rate and the
sender is told.

The rates here are small so that a broadcast worth paying for stays small: 3 a second free
(ten seconds of it is 30 copies), 300 paid. A call to one channel and 35 subscribers is 36
messages, estimated all paid (the free lane's share, 36 * 3 / 300, is under one): 3.6 Stars,
shown as 4.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    OWNER_ID,
    RunningBot,
    button_data,
    eventually,
    labels,
    shown,
    started,
    text_of,
)
from tests.e2e.test_alerts import SEND, organiser, plan
from tests.e2e.test_alerts import compose as compose_alert
from tests.e2e.test_calls import compose, linked_channel, subscribed
from tests.e2e.test_channels import broadcaster
from turnout import delivery
from turnout.handlers.common.floodgate import FloodGate
from turnout.sandbox.fakebot import ApiCall, FakeTelegram, FakeUser
from turnout.storage import Answer, Role
from turnout.views.buttons import PromptButton

JSONDict = dict[str, Any]
PAID_RATES = {"rate_limit": 3, "paid_broadcast_rate": 300}
SUBSCRIBERS = 35
COPIES = SUBSCRIBERS + 1
TEXT = "The police closed the bridge: go round by the north gate!"
PAY = "💫 Pay about 4 Stars"
FREE, BACK = "Free rate", "◀ Back"
STALE = "This question is closed (answered, cancelled or timed out): this button does nothing now."


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return dict(PAID_RATES)


@pytest.fixture(autouse=True)
def no_flood(bot: RunningBot) -> None:
    """A broadcaster composes, looks at the card and presses within seconds here."""
    bot.application.bot_data.flood = FloodGate(limit=200)


def outbox_is_paying() -> bool:
    """Whether the outbox sends ``allow_paid_broadcast`` yet (the other half of paid broadcasts)."""
    return any(
        "allow_paid_broadcast" in path.read_text(encoding="utf-8")
        for path in Path(delivery.__file__).parent.glob("*.py")
        if path.name != "stars.py"
    )


needs_paying_outbox = pytest.mark.skipif(
    not outbox_is_paying(), reason="the outbox does not send allow_paid_broadcast yet"
)


async def ready(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    ana: FakeUser,
    people: int = SUBSCRIBERS,
) -> FakeUser:
    """Ana, a broadcaster with a linked channel; ``people`` subscribers."""
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await subscribed(bot, telegram, people)
    return caster


async def card_of(caster: FakeUser, text: str = TEXT) -> JSONDict:
    """Compose a call to the channel and the subscribers, press Publish now: the card."""
    await compose(caster, text, "Clean River News", subscribers=True)
    await caster.press("Publish now")
    await caster.callback_answer()
    return await caster.reply()


async def press(person: FakeUser, label: str, message: JSONDict) -> str:
    """Press ``label`` as the message showed it (its keyboard may be gone since); the toast."""
    await person.press_data(button_data(message, label), message)
    return str((await person.callback_answer()).get("text") or "")


def seen(message: JSONDict) -> str:
    """As Telegram shows it, the direction isolates around names invisible."""
    return shown(message).replace("\u2068", "").replace("\u2069", "")


def copies(telegram: FakeTelegram, text: str = TEXT) -> list[ApiCall]:
    return [c for c in telegram.calls_to("sendMessage") if c.ok and c.params.get("text") == text]


def paid(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.params.get("allow_paid_broadcast")]


def audited(bot: RunningBot, action: str) -> list[tuple[Any, JSONDict]]:
    return [
        (actor, json.loads(detail))
        for actor, detail in bot.rows(
            "SELECT actor_id, detail FROM audit_log WHERE action = :action ORDER BY id",
            action=action,
        )
    ]


def payable(bot: RunningBot, family: str = "call:%") -> list[tuple[Any, ...]]:
    """(may_pay, rows) of a family's copies."""
    return bot.rows(
        "SELECT may_pay, COUNT(*) FROM deliveries WHERE purpose LIKE :family GROUP BY may_pay",
        family=family,
    )


async def every_copy_once(
    telegram: FakeTelegram, bot: RunningBot, text: str = TEXT, *, besides: int = 0
) -> None:
    """Every copy went out, once each; ``besides``: so many other messages of ``text`` (an
    approver's preview)."""
    wanted = COPIES + besides
    await eventually(lambda: len(copies(telegram, text)) >= wanted, "every copy", timeout=40)
    await bot.outbox_idle()
    counted = Counter(int(c.params["chat_id"]) for c in copies(telegram, text))
    assert len(counted) == wanted and set(counted.values()) == {1}


# -- the card ----------------------------------------------------------------------------------


async def test_a_large_call_shows_its_cost_and_the_balance_before_it_goes(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    assert shown(card).splitlines() == [
        "💫 This goes out as 36 messages.",
        "At the free rate it takes about 12 seconds.",
        "At the paid rate it takes about 1 second, for about 4 Stars of the bot's balance.",
        "The bot's balance: 100 Stars.",
        "",
        "Pay for the faster rate?",
    ]
    assert labels(card) == [PAY, FREE, BACK]
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]  # nothing goes before the answer
    assert len(telegram.calls_to("getMyStarBalance")) >= 1  # read live


async def test_paying_sends_every_copy_once_as_a_paid_broadcast(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    assert text_of(await caster.reply()) == "Publishing…"
    assert bot.rows("SELECT paid FROM calls") == [(1,)]
    assert payable(bot) == [(1, COPIES)]
    assert audited(bot, "broadcast:paid") == [
        (caster.id, {"call": 1, "copies": COPIES, "stars": 4, "balance": 100.0})
    ]
    await every_copy_once(telegram, bot)


@needs_paying_outbox
async def test_paid_copies_carry_allow_paid_broadcast_and_the_progress_says_what_they_cost(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    status = await caster.reply()
    await every_copy_once(telegram, bot)
    went_paid = paid(copies(telegram))
    assert went_paid, "no copy went paid"
    assert telegram.star_balance == pytest.approx(100 - 0.1 * len(went_paid))
    stars = -(-len(went_paid) // 10)
    cost = f"{stars} Star" if stars == 1 else f"{stars} Stars"
    done = f"Delivered to {COPIES} of {COPIES} chats · {len(went_paid)} paid ({cost})"

    def current() -> str:
        return next(shown(m) for m in caster.inbox if m["message_id"] == status["message_id"])

    await eventually(lambda: current() == done, f"the progress says {done!r}", timeout=15)


async def test_the_free_rate_sends_nothing_paid(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(FREE, message=card)
    await caster.callback_answer()
    assert text_of(await caster.reply()) == "Publishing…"
    await eventually(lambda: len(copies(telegram)) >= 5, "the first copies")
    assert paid(copies(telegram)) == []
    assert bot.rows("SELECT paid FROM calls") == [(0,)]
    assert payable(bot) == [(0, COPIES)]
    assert audited(bot, "broadcast:paid") == []
    assert telegram.star_balance == 100


async def test_back_returns_to_the_options_and_publish_asks_again(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(BACK, message=card)
    await caster.callback_answer()
    options = await caster.reply()
    assert "Publish now" in labels(options)
    await caster.press("Publish now", message=options)
    await caster.callback_answer()
    assert labels(await caster.reply()) == [PAY, FREE, BACK]
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]


async def test_a_small_call_is_not_asked_about_paying(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await ready(bot, telegram, owner, ana, people=5)
    assert text_of(await card_of(caster)) == "Publishing…"  # 6 copies: 2 seconds free
    assert telegram.calls_to("getMyStarBalance") == []
    assert bot.rows("SELECT paid FROM calls") == [(0,)]


@pytest.mark.parametrize("settings_overrides", [{"rate_limit": 3}])
async def test_without_a_paid_rate_a_large_call_goes_as_before(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await ready(bot, telegram, owner, ana)
    assert text_of(await card_of(caster)) == "Publishing…"
    assert telegram.calls_to("getMyStarBalance") == []
    assert payable(bot) == [(0, COPIES)]


# -- presses that must not count ---------------------------------------------------------------


async def test_an_old_card_pressed_after_publishing_sends_nothing_twice(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    await caster.reply()
    before = bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'call:%'")
    assert await press(caster, PAY, card) == STALE
    assert await press(caster, FREE, card) == STALE
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(1,)]
    assert bot.rows("SELECT COUNT(*) FROM deliveries WHERE purpose LIKE 'call:%'") == before
    assert len(audited(bot, "broadcast:paid")) == 1
    await every_copy_once(telegram, bot)


async def test_someone_else_pressing_the_card_changes_nothing(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    ben = telegram.add_user("Ben")
    greeting = await started(ben)
    # Ben forges Ana's card's data in his own chat: not his question.
    await ben.press_data(button_data(card, PAY), greeting)
    assert (await ben.callback_answer()).get("text") == STALE
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]
    # Ana's card still stands.
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    assert text_of(await caster.reply()) == "Publishing…"


async def test_a_broadcaster_whose_role_went_while_the_card_waited_cannot_pay(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    data = bot.services
    await data.store.revoke_role(caster.id, Role.BROADCASTER, OWNER_ID, data.clock())
    await caster.press(PAY, message=card)
    answer = await caster.callback_answer()
    said = str(answer.get("text") or "") + " ".join(text_of(m) for m in caster.inbox[-1:])
    assert "your role does not allow it" in said
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]
    assert audited(bot, "broadcast:paid") == []


async def test_a_balance_spent_before_the_press_shows_the_card_again(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    telegram.set_star_balance(0.5)  # another broadcast spent it meanwhile: 5 messages' worth
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    again = await caster.reply()
    text = shown(again)
    assert text.startswith("⚠️ The bot's balance has changed since you saw the figures.")
    assert "The bot's balance: 0 Stars." in text
    assert "That pays for only 5 of the faster messages; the rest go at the free rate" in text
    assert labels(again) == ["💫 Pay about 1 Star", FREE, BACK]
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]
    # The first card is an earlier question now.
    assert (
        await press(caster, PAY, card)
        == "That button belongs to an earlier question: answer the latest one."
    )
    await caster.press("💫 Pay about 1 Star", message=again)
    await caster.callback_answer()
    assert text_of(await caster.reply()) == "Publishing…"
    assert bot.rows("SELECT paid FROM calls") == [(1,)]


async def test_with_no_stars_there_is_no_pay_button_and_a_forged_one_does_nothing(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await ready(bot, telegram, owner, ana)  # the balance is 0
    card = await card_of(caster)
    assert "That pays for none of the faster messages" in shown(card)
    assert labels(card) == [FREE, BACK]
    prompt = PromptButton.decode(button_data(card, FREE))
    assert prompt is not None
    await caster.press_data(PromptButton(prompt.prompt, "pay").encode(), card)
    assert "earlier question" in str((await caster.callback_answer()).get("text"))
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]
    await caster.press(FREE, message=card)
    await caster.callback_answer()
    assert text_of(await caster.reply()) == "Publishing…"
    assert bot.rows("SELECT paid FROM calls") == [(0,)]


async def test_an_unknown_balance_is_said_and_paying_is_still_allowed(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    telegram.fail("getMyStarBalance", status=500, times=1)
    card = await card_of(caster)
    assert "The bot's balance could not be read just now. You can still pay" in shown(card)
    assert labels(card) == [PAY, FREE, BACK]
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    assert text_of(await caster.reply()) == "Publishing…"
    assert bot.rows("SELECT paid FROM calls") == [(1,)]


# -- scheduled, approved, alerts ---------------------------------------------------------------


async def test_a_scheduled_call_chosen_paid_goes_out_paid_at_its_time(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    await compose(caster, TEXT, "Clean River News", subscribers=True)
    await caster.press("Schedule")
    await caster.callback_answer()
    await caster.reply()
    await caster.send("in 2 minutes")
    card = await caster.reply()
    assert labels(card) == [PAY, FREE, BACK]
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    assert text_of(await caster.reply()).startswith("Scheduled for ")
    assert bot.rows("SELECT status, paid FROM calls") == [("scheduled", 1)]
    assert audited(bot, "broadcast:paid") == []  # it has not started
    await bot.skip(timedelta(minutes=3))
    await eventually(lambda: payable(bot) == [(1, COPIES)], "the copies queued, payable")
    [(actor, detail)] = audited(bot, "broadcast:paid")
    assert (actor, detail["call"], detail["copies"], detail["stars"]) == (caster.id, 1, COPIES, 4)
    await every_copy_once(telegram, bot)


@pytest.mark.parametrize("settings_overrides", [{**PAID_RATES, "broadcast_approval": "10"}])
async def test_an_approved_paid_call_goes_out_paid_and_its_approver_was_told_so(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    await started(owner)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    assert "waits for approval" in text_of(await caster.reply())
    assert bot.rows("SELECT status, paid FROM calls") == [("awaiting", 1)]

    def question() -> JSONDict | None:
        return next((m for m in owner.inbox if "approve call #1" in text_of(m)), None)

    await eventually(lambda: question() is not None, "the owner asked to approve")
    asked = question()
    assert asked is not None
    assert (
        "💫 A paid broadcast: its author chose to pay about 4 Stars of the bot's balance"
        in shown(asked)
    )
    await owner.press("✅ Approve", message=asked)
    await owner.callback_answer()
    await eventually(lambda: payable(bot) == [(1, COPIES)], "the copies queued, payable")
    [(actor, detail)] = audited(bot, "broadcast:paid")
    assert (actor, detail["call"]) == (caster.id, 1)  # the author pays, not the approver
    await every_copy_once(telegram, bot, besides=1)


async def test_a_large_alert_is_offered_the_paid_rate(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    telegram.set_star_balance(100)
    omar = await organiser(bot, telegram)
    action = await plan(bot)
    data = bot.services
    people = [telegram.add_user(f"Member {n}") for n in range(COPIES)]
    for person in people:
        await data.store.register_member(person.id, person.first_name, "en", "UTC", data.clock())
        await data.store.answer_rsvp(action.id, person.id, Answer.GOING, data.clock())
    preview = await compose_alert(omar, "Bridge rally", "Everyone going", "Police at the bridge")
    await omar.press(SEND, message=preview)
    await omar.callback_answer()
    card = await omar.reply()
    assert shown(card).startswith("💫 This goes out as 36 messages.")
    await omar.press(PAY, message=card)
    await omar.callback_answer()
    assert "Alert about Bridge rally sent." in shown(await omar.reply())
    assert bot.rows("SELECT paid FROM alerts") == [(1,)]
    assert payable(bot, "alert:%") == [(1, COPIES)]
    [(actor, detail)] = audited(bot, "broadcast:paid")
    assert (actor, detail["alert"], detail["action"]) == (omar.id, 1, action.id)
    await eventually(
        lambda: all(any("Police at the bridge" in text_of(m) for m in p.inbox) for p in people),
        "everyone alerted",
        timeout=40,
    )


# -- owners, and the Stars running out ---------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{**PAID_RATES, "owner_notices": True}])
async def test_the_owners_are_told_of_a_paid_broadcast(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(100)
    await started(owner)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    said = (
        f"🔐 Ana ({caster.id}) started a paid broadcast: call #1, 36 messages, for about 4 Stars."
        " The bot's balance: 100 Stars."
    )
    await eventually(
        lambda: any(seen(m).startswith(said) for m in owner.inbox), "the owner told", timeout=20
    )


async def test_the_sender_hears_once_that_the_stars_ran_out_however_often_the_outbox_says_so(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    """What the outbox calls (``Outbox.on_stars_exhausted``), called as it would be: twice for
    the same call, with a purpose that is no paid broadcast's among them."""
    telegram.set_star_balance(100)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    await caster.press(PAY, message=card)
    await caster.callback_answer()
    await caster.reply()
    on_stars_exhausted = bot.services.outbox.on_stars_exhausted
    assert on_stars_exhausted is not None
    await on_stars_exhausted(["call:1:text", "call:1:media", "review:7", "call:99:text"])
    await on_stars_exhausted(["call:1:text"])
    notice = await caster.reply(timeout=15)
    assert re.match(
        r"⚠️ The bot's Stars ran out during call #1, after \d+ paid messages?\.", shown(notice)
    )
    await caster.no_reply(within=1)
    [(actor, detail)] = audited(bot, "broadcast:paid_ran_out")
    assert (actor, detail["call"]) == (None, 1)
    # The sender is the entry's target: /forgetme rewrites it.
    assert bot.rows("SELECT target_id FROM audit_log WHERE action = 'broadcast:paid_ran_out'") == [
        (caster.id,)
    ]


@needs_paying_outbox
@pytest.mark.parametrize("settings_overrides", [{**PAID_RATES, "owner_notices": True}])
async def test_when_the_stars_run_out_the_rest_goes_free_and_the_sender_is_told(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    telegram.set_star_balance(1)  # ten paid messages
    await started(owner)
    caster = await ready(bot, telegram, owner, ana)
    card = await card_of(caster)
    assert "That pays for only 10 of the faster messages" in shown(card)
    await caster.press("💫 Pay about 1 Star", message=card)
    await caster.callback_answer()
    await every_copy_once(telegram, bot)
    went_paid = paid(copies(telegram))
    assert len(went_paid) == 10
    assert telegram.star_balance == pytest.approx(0)
    told = re.compile(r"The bot's Stars ran out during call #1, after (\d+) paid messages\.")

    def notice() -> re.Match[str] | None:
        return next((m for m in map(told.search, map(shown, caster.inbox)) if m), None)

    await eventually(lambda: notice() is not None, "the sender told", timeout=15)
    assert len(audited(bot, "broadcast:paid_ran_out")) == 1
    await eventually(
        lambda: any("Stars ran out during call #1 by Ana" in seen(m) for m in owner.inbox),
        "the owner told",
        timeout=20,
    )
