"""Fan-out benchmark: the outbox against bare python-telegram-bot, on the same stand-in server.

    python benchmarks/fanout.py [--recipients 20000] [--rate 1000] [--key PASSPHRASE]

The stand-in Bot API (``responder.py``) runs in a process of its own and enforces Telegram's
limits: unpaid messages at most ``--free-rate`` a second (30), paid ones (``allow_paid_broadcast``)
at most ``--rate``; beyond either it answers 429. Each sender runs in a process of its own too,
so its CPU and peak RSS are its own:

* bare python-telegram-bot sends one message to each recipient, evenly paced at ``--rate``, as
  many at once as the outbox keeps in flight, each with ``allow_paid_broadcast`` when the rate is
  above the free one;
* Turnout's outbox delivers the same message from its database inside the real application,
  with ``TURNOUT_PAID_BROADCAST_RATE`` at the rate (or, at a free rate, ``TURNOUT_RATE_LIMIT``),
  once from a plain database and once from one encrypted with ``--key``.

Printed: throughput and its ratio to the rate, 429s, duplicates, losses, paid copies, CPU
seconds per 1,000 delivered messages, peak RSS, and the ratios the README's targets are about.
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
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("PTB_TIMEDELTA", "1")

from benchmarks.responder import Responder

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"
TEXT = "Clean River Rally: Saturday 11:00 at the old bridge. Bring water."
#: The encrypted run's ``TURNOUT_DATABASE_KEY``: a passphrase, stretched at every open.
KEY = "correct horse battery staple"
#: Telegram's free broadcast rate, which the stand-in enforces on unpaid messages.
FREE_RATE = 30.0
#: The outbox's own free lane (``TURNOUT_RATE_LIMIT``'s default: room left for replies).
OUTBOX_FREE_RATE = 25.0
#: The most the encryption may cost, in time and in CPU: 15%.
ENCRYPTION_TARGET = 1.15
#: The outbox's CPU per message at most this share of bare python-telegram-bot's.
CPU_TARGET = 0.5
#: The outbox's throughput at least this share of the rate.
RATE_TARGET = 0.95
#: Recipients' chat ids start here.
FIRST_CHAT = 10_000_000


def run_server(connection: Connection, free_rate: float, paid_rate: float) -> None:
    """The stand-in's process: answers "stats" and "reset", ends on "stop"."""

    async def main() -> None:
        responder = Responder(TOKEN, free_rate=free_rate, paid_rate=paid_rate, stars=1e9)
        port = await responder.start()
        connection.send(port)
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, connection.recv)
            if command == "stop":
                await responder.stop()
                return
            if command == "stats":
                tally = responder.tally
                connection.send((dict(tally.per_chat), tally.throttled, tally.paid))
            elif command == "reset":
                responder.reset()
                connection.send("ok")

    asyncio.run(main())


@dataclass
class Result:
    name: str
    seconds: float
    cpu: float
    peak_mb: float
    delivered: int
    throttled: int
    paid: int
    duplicates: int
    lost: int

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds

    @property
    def cpu_per_message(self) -> float:
        return self.cpu / max(1, self.delivered)


async def bare_ptb(
    base_url: str, ids: list[int], rate: float, in_flight: int, paid: bool
) -> tuple[float, float]:
    """Plain PTB: paced evenly at ``rate``, no database. Returns (wall, CPU) seconds."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=in_flight))
    async with bot:
        slots = asyncio.Semaphore(in_flight)
        start = time.monotonic()

        async def send(index: int, chat_id: int) -> None:
            async with slots:
                await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
                await bot.send_message(chat_id, TEXT, allow_paid_broadcast=paid or None)

        wall, cpu = time.monotonic(), time.process_time()
        await asyncio.gather(*(send(index, chat_id) for index, chat_id in enumerate(ids)))
        return time.monotonic() - wall, time.process_time() - cpu


async def outbox(
    base_url: str, ids: list[int], rate: float, paid: bool, key: str | None
) -> tuple[float, float]:
    """Turnout's outbox, inside the real application, its database encrypted with ``key`` if
    one is given. Returns (wall, CPU) seconds."""
    from turnout.bot.application import build_application
    from turnout.bot.runner import serve
    from turnout.config import load_settings
    from turnout.delivery import Payload
    from turnout.storage.purposes import CallCopy

    call = CallCopy(1, "text")
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            bot_token=TOKEN,
            database=Path(folder) / "turnout.db",
            database_key=key,
            api_base_url=base_url,
            api_file_url=base_url.replace("/bot", "/file/bot"),
            rate_limit=OUTBOX_FREE_RATE if paid else rate,
            paid_broadcast_rate=rate if paid else None,
        )
        application = build_application(settings)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(application, settings, stop))
        while not application.running:
            await asyncio.sleep(0.01)
        box = application.bot_data.services.outbox
        wall, cpu = time.monotonic(), time.process_time()
        await box.enqueue(call, [(chat_id, Payload(TEXT)) for chat_id in ids], paid=paid)
        # Not much more often than a broadcaster's status message (every 3 s): counting a
        # broadcast's 20,000 rows takes the database's thread from the sends for a moment.
        while not (await box.progress(call)).done:
            await asyncio.sleep(0.25)
        result = time.monotonic() - wall, time.process_time() - cpu
        stop.set()
        await task
        return result


def sender_process(connection: Connection, which: str, arguments: dict[str, Any]) -> None:
    """One sender in a process of its own: sends (wall, CPU, peak RSS in MB) back."""
    if which == "bare":
        wall, cpu = asyncio.run(bare_ptb(**arguments))
    else:
        wall, cpu = asyncio.run(outbox(**arguments))
    connection.send((wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_sender(server: Connection, name: str, which: str, expected: list[int], **kw: Any) -> Result:
    server.send("reset")
    server.recv()
    time.sleep(1.0)  # the stand-in's buckets refill
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.Process(target=sender_process, args=(theirs, which, kw))
    process.start()
    wall, cpu, peak_mb = ours.recv()
    process.join()
    server.send("stats")
    per_chat, throttled, paid = server.recv()
    return Result(
        name=name,
        seconds=wall,
        cpu=cpu,
        peak_mb=peak_mb,
        delivered=sum(per_chat.values()),
        throttled=throttled,
        paid=paid,
        duplicates=sum(count - 1 for count in per_chat.values() if count > 1),
        lost=sum(1 for chat_id in expected if chat_id not in per_chat),
    )


def key_kind(key: str) -> str:
    """What SQLCipher makes of the key (``storage/cipher.py``)."""
    if re.fullmatch(r"[0-9a-fA-F]{64}", key):
        return "a raw key of 64 hex digits"
    return "a passphrase, stretched with PBKDF2 at each open"


def met(ok: bool) -> str:
    return "met" if ok else "missed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--free-rate", type=float, default=FREE_RATE)
    parser.add_argument("--key", default=KEY, help="the encrypted run's TURNOUT_DATABASE_KEY")
    parser.add_argument("--no-encrypted", action="store_true", help="skip the encrypted run")
    arguments = parser.parse_args()
    rate, paid = arguments.rate, arguments.rate > arguments.free_rate

    from turnout.config import load_settings

    in_flight = load_settings(
        rate_limit=OUTBOX_FREE_RATE if paid else rate, paid_broadcast_rate=rate if paid else None
    ).in_flight

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=run_server, args=(theirs, arguments.free_rate, rate), daemon=True
    )
    server.start()
    base_url = f"http://127.0.0.1:{ours.recv()}/bot"
    ids = list(range(FIRST_CHAT, FIRST_CHAT + arguments.recipients))

    common = {"base_url": base_url, "ids": ids, "rate": rate, "paid": paid}
    bare = run_sender(ours, "bare python-telegram-bot", "bare", ids, in_flight=in_flight, **common)
    runs = [run_sender(ours, "Turnout outbox", "outbox", ids, key=None, **common)]
    if not arguments.no_encrypted:
        encrypted_name = "Turnout outbox, encrypted"
        runs.append(run_sender(ours, encrypted_name, "outbox", ids, key=arguments.key, **common))
    ours.send("stop")
    server.join(timeout=10)

    lanes = (
        f"paid broadcast: {OUTBOX_FREE_RATE:g}/s free + the rest paid"
        if paid
        else "free rate, nothing paid"
    )
    print(
        f"{arguments.recipients} recipients, rate {rate:g}/s ({lanes}), {in_flight} in flight, "
        f"{os.cpu_count()} cores; the stand-in allows {arguments.free_rate:g}/s unpaid"
    )
    if not arguments.no_encrypted:
        print(
            f'encrypted: TURNOUT_DATABASE_KEY="{arguments.key}", {key_kind(arguments.key)} '
            "(SQLCipher 4)"
        )
    print()
    print(
        "| sender | msg/s | ratio to rate | 429s | duplicates | losses | paid copies "
        "| CPU s / 1,000 msgs | peak RSS MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for result in (*runs, bare):
        print(
            f"| {result.name} | {result.per_second:.0f} | {result.per_second / rate:.2f} "
            f"| {result.throttled} | {result.duplicates} | {result.lost} | {result.paid} "
            f"| {1000 * result.cpu_per_message:.3f} | {result.peak_mb:.0f} |"
        )
    print()
    turnout = runs[0]
    share = turnout.cpu_per_message / bare.cpu_per_message
    ratio = turnout.per_second / rate
    clean = turnout.throttled == turnout.duplicates == turnout.lost == 0
    if paid:
        verdict = f"(target: at most {CPU_TARGET:.2f}): {met(share <= CPU_TARGET)}"
    else:
        # A few dozen messages a second: what a running bot does every second anyway (its
        # jobs, its long poll) outweighs the sends, so a share per message says little.
        verdict = "(the target is for a paid broadcast; at a free rate the bot's jobs dominate)"
    print(f"outbox CPU per message / bare PTB's: {share:.2f} {verdict}")
    print(
        f"outbox ratio to the rate: {ratio:.2f} (target: at least {RATE_TARGET:.2f}): "
        f"{met(ratio >= RATE_TARGET)}; 429s, losses, duplicates all 0: {met(clean)}"
    )
    if len(runs) > 1:
        encrypted = runs[1]
        slower = (encrypted.seconds / encrypted.delivered) / (turnout.seconds / turnout.delivered)
        costlier = encrypted.cpu_per_message / turnout.cpu_per_message
        print(
            f"encrypted / plain outbox: time {slower:.2f}, CPU per message {costlier:.2f} "
            f"(target: at most {ENCRYPTION_TARGET:.2f}): "
            f"{met(max(slower, costlier) <= ENCRYPTION_TARGET)}"
        )


if __name__ == "__main__":
    main()
