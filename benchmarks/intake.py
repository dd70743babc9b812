"""Report intake benchmark: many members sending photos at once, Turnout against an echo bot.

    python benchmarks/intake.py [--members 200] [--photos 5]

Each member has a report open and sends its photos one after another, waiting for the bot's
acknowledgement each time, all members at once, through the fake Bot API server. Printed:
updates handled per second and the time from a photo to its acknowledgement (p50/p95/p99), for
Turnout (which stores every item in its database before answering) and for a minimal
python-telegram-bot bot that only answers, on the same fake server in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.fakebot import FakeTelegram, FakeUser
from turnout.bot import build_application, serve
from turnout.config import load_settings

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"


async def members_send(users: list[FakeUser], photos: int) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def member(user: FakeUser) -> None:
        for _ in range(photos):
            sent = time.monotonic()
            await user.send_photo()
            await user.reply(timeout=120)
            latencies.append(time.monotonic() - sent)

    start = time.monotonic()
    await asyncio.gather(*(member(user) for user in users))
    return time.monotonic() - start, latencies


async def turnout_run(
    telegram: FakeTelegram, users: list[FakeUser], photos: int
) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            bot_token=TOKEN,
            database=Path(folder) / "turnout.db",
            api_base_url=telegram.base_url,
            api_file_url=telegram.base_file_url,
        )
        application = build_application(settings)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(application, settings, stop))
        while not application.running:
            await asyncio.sleep(0.01)
        data = application.bot_data
        for user in users:
            now = data.clock()
            await data.store.register_member(user.id, user.first_name, "en", "UTC", now)
            draft = await data.store.open_draft(user.id, now)
            await data.store.update_draft(draft.id, {"action_chosen": 1}, now)
        result = await members_send(users, photos)
        stop.set()
        await task
        return result


async def echo_run(
    telegram: FakeTelegram, users: list[FakeUser], photos: int
) -> tuple[float, list[float]]:
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(telegram.base_url)
        .base_file_url(telegram.base_file_url)
        .build()
    )

    async def answer(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Added.")

    application.add_handler(MessageHandler(filters.PHOTO, answer))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling()
    await application.start()
    try:
        return await members_send(users, photos)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def row(name: str, elapsed: float, latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    per_second = len(latencies) / elapsed
    return (
        f"| {name} | {per_second:.0f} | {1000 * cuts[49]:.0f} | {1000 * cuts[94]:.0f} "
        f"| {1000 * cuts[98]:.0f} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--photos", type=int, default=5)
    arguments = parser.parse_args()
    runs: list[tuple[str, Callable[..., Awaitable[tuple[float, list[float]]]]]] = [
        ("Turnout", turnout_run),
        ("python-telegram-bot echo bot", echo_run),
    ]
    results = []
    for name, run in runs:
        async with FakeTelegram(TOKEN) as telegram:
            users = [telegram.add_user(f"Member {n}") for n in range(arguments.members)]
            elapsed, latencies = await run(telegram, users, arguments.photos)
            results.append((name, elapsed, latencies))
    print(f"{arguments.members} members x {arguments.photos} photos, {os.cpu_count()} cores")
    print()
    print("| bot | updates/s | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- |")
    for name, elapsed, latencies in results:
        print(row(name, elapsed, latencies))
    ours = len(results[0][2]) / results[0][1]
    theirs = len(results[1][2]) / results[1][1]
    print()
    print(f"Turnout's throughput / the echo bot's: {ours / theirs:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
