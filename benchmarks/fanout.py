"""Fan-out benchmark: the outbox against bare python-telegram-bot, on the same fake server.

    python benchmarks/fanout.py [--recipients 5000] [--rate 500] [--key PASSPHRASE]

The fake Bot API server runs in a process of its own, enforcing ``--rate`` messages per second
(it answers 429 beyond that), so the CPU measured here is the sender's alone. First bare
python-telegram-bot sends one message to each recipient, evenly paced at the rate, as many at
once as the outbox may have in flight; then Turnout's outbox delivers the same message from its
database, once from a plain database and once from one encrypted with ``--key`` (as with
``TURNOUT_DATABASE_KEY``; by default a passphrase, as an operator would set). Printed:
throughput and its ratio to the rate, 429s, duplicates, losses, peak RSS, and CPU seconds per
1,000 delivered messages for each, and what the encryption costs (target: at most 15%).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Bot
from telegram.request import HTTPXRequest

from turnout.bot.application import build_application
from turnout.bot.runner import serve
from turnout.config import load_settings
from turnout.delivery import Payload
from turnout.sandbox.fakebot import FakeTelegram
from turnout.storage.purposes import CallCopy

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"
TEXT = "Clean River Rally: Saturday 11:00 at the old bridge. Bring water."
#: What the copies are queued as: a call's text, the fan-out that matters.
CALL = CallCopy(1, "text")
#: The encrypted run's ``TURNOUT_DATABASE_KEY``: a passphrase, stretched at every open.
KEY = "correct horse battery staple"
#: The most the encryption may cost, in time and in CPU: 15%.
TARGET = 1.15


def run_server(connection: Connection, recipients: int, rate: float) -> None:
    """The fake server's process: answers "stats" and "reset", ends on "stop"."""

    async def main() -> None:
        async with FakeTelegram(TOKEN) as telegram:
            ids = [telegram.add_user(f"Member {n}").id for n in range(recipients)]
            telegram.rate_limit(rate)
            connection.send((telegram.base_url, telegram.base_file_url, ids))
            loop = asyncio.get_running_loop()
            while True:
                command = await loop.run_in_executor(None, connection.recv)
                if command == "stop":
                    return
                sends = telegram.calls_to("sendMessage")
                if command == "stats":
                    connection.send(
                        (
                            Counter(int(c.params["chat_id"]) for c in sends if c.ok),
                            sum(1 for c in sends if c.status == 429),
                        )
                    )
                elif command == "reset":
                    telegram.calls.clear()
                    telegram.rate_limit(rate)  # a fresh bucket for the next run
                    connection.send("ok")

    asyncio.run(main())


@dataclass
class Result:
    name: str
    seconds: float
    cpu: float
    delivered: int
    throttled: int
    duplicates: int
    lost: int


def measure(name: str, server: Connection, ids: list[int], seconds: float, cpu: float) -> Result:
    server.send("stats")
    per_chat, throttled = server.recv()
    return Result(
        name=name,
        seconds=seconds,
        cpu=cpu,
        delivered=sum(per_chat.values()),
        throttled=throttled,
        duplicates=sum(count - 1 for count in per_chat.values() if count > 1),
        lost=sum(1 for chat_id in ids if chat_id not in per_chat),
    )


async def bare_ptb(
    base_url: str, file_url: str, ids: list[int], rate: float, in_flight: int
) -> tuple[float, float]:
    """Plain PTB: paced like the outbox, no database. Returns (wall, CPU) seconds."""
    bot = Bot(
        TOKEN,
        base_url=base_url,
        base_file_url=file_url,
        request=HTTPXRequest(connection_pool_size=in_flight * 2),
    )
    async with bot:
        slots = asyncio.Semaphore(in_flight)
        start = time.monotonic()

        async def send(index: int, chat_id: int) -> None:
            async with slots:
                await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
                await bot.send_message(chat_id, TEXT)

        wall, cpu = time.monotonic(), time.process_time()
        await asyncio.gather(*(send(index, chat_id) for index, chat_id in enumerate(ids)))
        return time.monotonic() - wall, time.process_time() - cpu


async def outbox(
    base_url: str, file_url: str, ids: list[int], rate: float, in_flight: int, key: str | None
) -> tuple[float, float]:
    """Turnout's outbox, inside the real application, its database encrypted with ``key`` if
    one is given. Returns (wall, CPU) seconds."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            bot_token=TOKEN,
            database=Path(folder) / "turnout.db",
            database_key=key,
            api_base_url=base_url,
            api_file_url=file_url,
            rate_limit=rate,
            max_in_flight=in_flight,
        )
        application = build_application(settings)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(application, settings, stop))
        while not application.running:
            await asyncio.sleep(0.01)
        box = application.bot_data.services.outbox
        wall, cpu = time.monotonic(), time.process_time()
        await box.enqueue(CALL, [(chat_id, Payload(TEXT)) for chat_id in ids])
        while not (await box.progress(CALL)).done:
            await asyncio.sleep(0.1)
        result = time.monotonic() - wall, time.process_time() - cpu
        stop.set()
        await task
        return result


def key_kind(key: str) -> str:
    """What SQLCipher makes of the key (``storage/cipher.py``)."""
    if re.fullmatch(r"[0-9a-fA-F]{64}", key):
        return "a raw key of 64 hex digits"
    return "a passphrase, stretched with PBKDF2 at each open"


def verdict(*ratios: float) -> str:
    return "met" if max(ratios) <= TARGET else "missed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--in-flight", type=int, default=16)
    parser.add_argument("--key", default=KEY, help="the encrypted run's TURNOUT_DATABASE_KEY")
    arguments = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=run_server, args=(theirs, arguments.recipients, arguments.rate), daemon=True
    )
    server.start()
    base_url, file_url, ids = ours.recv()
    rate, in_flight = arguments.rate, arguments.in_flight

    wall, cpu = asyncio.run(bare_ptb(base_url, file_url, ids, rate, in_flight))
    bare = measure("bare python-telegram-bot", ours, ids, wall, cpu)
    runs = []
    for name, key in (("Turnout outbox", None), ("Turnout outbox, encrypted", arguments.key)):
        ours.send("reset")
        ours.recv()
        time.sleep(1.5)  # let the server's bucket refill
        wall, cpu = asyncio.run(outbox(base_url, file_url, ids, rate, in_flight, key))
        runs.append(measure(name, ours, ids, wall, cpu))
    turnout, encrypted = runs
    ours.send("stop")
    server.join(timeout=10)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{arguments.recipients} recipients, rate {rate:g}/s, {in_flight} in flight, "
        f"{os.cpu_count()} cores, peak RSS {peak_mb:.0f} MB (all three runs, one process)"
    )
    print(
        f'encrypted: TURNOUT_DATABASE_KEY="{arguments.key}", {key_kind(arguments.key)} '
        "(SQLCipher 4)"
    )
    print()
    print("| sender | msg/s | ratio to rate | 429s | duplicates | losses | CPU s / 1,000 msgs |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for result in (turnout, encrypted, bare):
        per_second = result.delivered / result.seconds
        print(
            f"| {result.name} | {per_second:.0f} | {per_second / rate:.2f} | {result.throttled} "
            f"| {result.duplicates} | {result.lost} | {1000 * result.cpu / result.delivered:.3f} |"
        )
    print()
    print(
        f"outbox CPU per message / bare PTB's: {turnout.cpu / bare.cpu:.2f} "
        f"(encrypted: {encrypted.cpu / bare.cpu:.2f})"
    )
    # Per delivered message, so that a loss in one run would not pass for speed.
    slower = (encrypted.seconds / encrypted.delivered) / (turnout.seconds / turnout.delivered)
    costlier = (encrypted.cpu / encrypted.delivered) / (turnout.cpu / turnout.delivered)
    print(
        f"encrypted / plain outbox: time {slower:.2f}, CPU per message {costlier:.2f} "
        f"(target: at most {TARGET:.2f}): {verdict(slower, costlier)}"
    )


if __name__ == "__main__":
    main()
