"""The bot's Telegram Stars and paid broadcasts (``allow_paid_broadcast``): read with
getMyStarBalance, 0.1 Star a paid message, a send the balance cannot cover refused whole, and
paid sends under a limit of their own."""

from __future__ import annotations

import pytest
from telegram import Bot, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, RetryAfter

from turnout.sandbox.fakebot import FakeTelegram

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
NOT_ENOUGH = "not enough Stars to pay for the broadcast"

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_the_balance_reads_as_a_star_amount(tg: FakeTelegram, bot: Bot) -> None:
    assert (await bot.get_my_star_balance()).amount == 0
    tg.set_star_balance(12.5)
    balance = await bot.get_my_star_balance()
    assert (balance.amount, balance.nanostar_amount) == (12, 500_000_000)
    assert tg.star_balance == 12.5
    call = tg.calls_to("getMyStarBalance")[-1]
    assert call.result == {"amount": 12, "nanostar_amount": 500_000_000}


async def test_a_paid_message_costs_a_tenth_of_a_star_and_the_last_unpaid_one_is_refused(
    tg: FakeTelegram, bot: Bot
) -> None:
    alice = tg.add_user("Alice")
    tg.set_star_balance(0.25)
    await bot.send_message(alice.id, "one", allow_paid_broadcast=True)
    await bot.send_message(alice.id, "two", allow_paid_broadcast=True)
    assert tg.star_balance == pytest.approx(0.05)
    with pytest.raises(BadRequest, match=f"(?i){NOT_ENOUGH}"):
        await bot.send_message(alice.id, "three", allow_paid_broadcast=True)
    await bot.send_message(alice.id, "free")  # an unpaid send costs nothing
    assert [m["text"] for m in alice.inbox] == ["one", "two", "free"]
    assert tg.star_balance == pytest.approx(0.05)
    refused = tg.calls_to("sendMessage")[2]
    assert (refused.status, refused.error) == (400, f"Bad Request: {NOT_ENOUGH}")
    assert refused.params["allow_paid_broadcast"] is True  # the call record shows it


async def test_an_album_is_paid_per_message_or_not_sent_at_all(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    photos = [InputMediaPhoto(PNG, filename=f"{n}.png") for n in range(3)]
    tg.set_star_balance(0.2)
    with pytest.raises(BadRequest, match=f"(?i){NOT_ENOUGH}"):
        await bot.send_media_group(alice.id, photos, allow_paid_broadcast=True)
    assert alice.inbox == []
    assert tg.star_balance == pytest.approx(0.2)
    tg.set_star_balance(0.3)
    await bot.send_media_group(alice.id, photos, allow_paid_broadcast=True)
    assert len(alice.inbox) == 3
    assert tg.star_balance == pytest.approx(0)


async def test_media_and_copies_are_paid_too(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    owner = tg.add_user("Olga")
    channel = tg.add_channel("News", owner=owner)
    tg.set_chat_member(channel.id, tg.bot_id, "administrator", can_post_messages=True)
    tg.set_star_balance(1)
    await bot.send_photo(alice.id, PNG, filename="a.png", allow_paid_broadcast=True)
    original = await alice.send("a report")
    await bot.copy_message(channel.id, alice.id, original["message_id"], allow_paid_broadcast=True)
    await bot.send_document(alice.id, PNG, filename="a.bin", allow_paid_broadcast=True)
    assert tg.star_balance == pytest.approx(0.7)


async def test_a_paid_send_that_fails_costs_nothing(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    tg.set_star_balance(1)
    tg.forbid(alice.id)
    with pytest.raises(Forbidden):
        await bot.send_message(alice.id, "blocked", allow_paid_broadcast=True)
    assert tg.star_balance == 1


async def test_the_free_limit_holds_unpaid_sends_and_paid_ones_have_their_own(
    tg: FakeTelegram, bot: Bot
) -> None:
    alice = tg.add_user("Alice")
    tg.set_star_balance(10)
    tg.rate_limit(2)
    for n in range(2):
        await bot.send_message(alice.id, f"free {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(alice.id, "free, one too many")
    for n in range(5):  # above the free limit: paid sends go on
        await bot.send_message(alice.id, f"paid {n}", allow_paid_broadcast=True)
    tg.paid_rate_limit(2)
    for n in range(2):
        await bot.send_message(alice.id, f"paid again {n}", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(alice.id, "paid, one too many", allow_paid_broadcast=True)
    assert tg.star_balance == pytest.approx(10 - 0.7)  # the refused one cost nothing
    tg.clear_faults()  # back to Telegram's 1,000 a second for paid sends, no free limit
    for n in range(20):
        await bot.send_message(alice.id, f"after {n}", allow_paid_broadcast=True)
    assert tg.star_balance == pytest.approx(10 - 2.7)


async def test_a_balance_must_be_a_number_of_stars(tg: FakeTelegram) -> None:
    with pytest.raises(ValueError, match="balance"):
        tg.set_star_balance(-1)
