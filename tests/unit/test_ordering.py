"""Updates of one sender in order and one at a time; different senders at the same time."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from turnout.bot.ordering import PerSenderProcessor, sender_key


def text_update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "Ana", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, None, chat, from_user=user, text=str(update_id))  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def run_all(
    processor: PerSenderProcessor, updates: list[Update], work: dict[int, float]
) -> list[tuple[str, int]]:
    """Feed updates as python-telegram-bot does (one task each, in order); log start/end."""
    log: list[tuple[str, int]] = []

    async def handle(update: Update) -> None:
        log.append(("start", update.update_id))
        await asyncio.sleep(work.get(update.update_id, 0.01))
        log.append(("end", update.update_id))

    tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in updates]
    await asyncio.gather(*tasks)
    return log


async def test_one_sender_is_handled_in_order_even_when_the_first_update_is_slow() -> None:
    updates = [text_update(1, 10), text_update(2, 10), text_update(3, 10)]
    log = await run_all(PerSenderProcessor(8), updates, {1: 0.05})
    assert log == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]


async def test_a_slow_sender_does_not_hold_up_the_others() -> None:
    updates = [text_update(1, 10), text_update(2, 20), text_update(3, 30)]
    log = await run_all(PerSenderProcessor(8), updates, {1: 0.2})
    assert log.index(("end", 2)) < log.index(("end", 1))
    assert log.index(("end", 3)) < log.index(("end", 1))


async def test_no_more_than_the_limit_run_at_once() -> None:
    running = 0
    most = 0

    async def handle() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1

    processor = PerSenderProcessor(3)
    await asyncio.gather(
        *(processor.process_update(text_update(n, 100 + n), handle()) for n in range(1, 11))
    )
    assert most == 3


async def test_a_cancelled_update_lets_the_next_one_of_its_sender_run() -> None:
    processor = PerSenderProcessor(8)
    first_started = asyncio.Event()
    ran: list[int] = []

    async def stuck() -> None:
        first_started.set()
        await asyncio.sleep(10)

    async def quick(n: int) -> None:
        ran.append(n)

    first = asyncio.create_task(processor.process_update(text_update(1, 10), stuck()))
    await first_started.wait()
    waiting = asyncio.create_task(processor.process_update(text_update(2, 10), quick(2)))
    third = asyncio.create_task(processor.process_update(text_update(3, 10), quick(3)))
    await asyncio.sleep(0.01)
    waiting.cancel()
    await asyncio.sleep(0.01)
    assert ran == []  # the first still runs: the third keeps waiting for it
    first.cancel()
    await asyncio.wait_for(third, 1)
    assert ran == [3]
    assert not processor._tails  # nothing left behind


def test_updates_are_keyed_by_person_then_chat() -> None:
    assert sender_key(text_update(1, 42)) == 42
    channel = Chat(-100, Chat.CHANNEL)
    post = Message(5, None, channel, text="hi")  # type: ignore[arg-type]
    assert sender_key(Update(9, channel_post=post)) == -100
    assert sender_key("not an update") is None
