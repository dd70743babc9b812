"""Urgent alert benchmark: an alert to 5,000 members while a call's 20,000 copies are going out.

    python benchmarks/alert.py [--subscribers 20000] [--members 5000] [--rate 1000]
                               [--key PASSPHRASE]

The fake Bot API server runs in a process of its own, enforcing ``--rate`` requests per second
(it answers 429 beyond that), and records every request in the order it arrived. Turnout runs
here, as deployed, with the outbox at the same rate. A call's copies to every subscriber are
queued in the normal lane; once a few seconds of them have gone out, an organiser's alert to
everyone going to an action (``--members``, a sample of the subscribers: people going to an
action are subscribers too) is sent through the same use case /alert uses. Printed: the time
from the alert to its first and its last copy, the alert's copies per second, copies lost and
duplicated (of the alert and of the call), whether any copy of the call went out between the
first and the last copy of the alert (in the server's order of arrival), pins, and 429s. With
``--key`` the database is encrypted with it (as with ``TURNOUT_DATABASE_KEY``) once seeded.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from turnout.bot.application import build_application
from turnout.bot.runner import serve
from turnout.config import Settings, load_settings
from turnout.delivery import Payload
from turnout.sandbox.fakebot import FakeTelegram
from turnout.storage import Audience, NewAction, Store
from turnout.storage.base import to_db_time
from turnout.storage.convert import encrypt_in_place
from turnout.storage.purposes import AlertCopy, CallCopy
from turnout.usecases import alerts

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"
ORGANISER = 4242
CALL = "Clean River Rally: Saturday 11:00 at the old bridge. Bring water."
ALERT = "Police are blocking the bridge; walk to the north gate."
LANGUAGES = ("en", "es", "fr", "sr", "sr-Latn")

#: (arrival time, chat id, an alert copy?) of each message the server accepted.
Sent = list[tuple[float, int, bool]]


def run_server(connection: Connection, subscribers: int, rate: float) -> None:
    """The fake server's process: answers "log" with what was sent, ends on "stop"."""

    async def main() -> None:
        async with FakeTelegram(TOKEN) as telegram:
            ids = [telegram.add_user(f"Member {n}").id for n in range(subscribers)]
            telegram.add_user("Organiser", user_id=ORGANISER)
            telegram.rate_limit(rate)
            connection.send((telegram.base_url, telegram.base_file_url, ids))
            loop = asyncio.get_running_loop()
            while True:
                command = await loop.run_in_executor(None, connection.recv)
                if command == "stop":
                    return
                calls = list(telegram.calls)
                sent: Sent = [
                    (c.timestamp, int(c.params["chat_id"]), str(c.params["text"]).startswith("🚨"))
                    for c in calls
                    if c.method == "sendMessage" and c.ok
                ]
                pins = sum(1 for c in calls if c.method == "pinChatMessage" and c.ok)
                throttled = Counter(c.method for c in calls if c.status == 429)
                connection.send((sent, pins, dict(throttled)))

    asyncio.run(main())


async def seed(path: Path, subscribers: list[int], members: list[int]) -> int:
    """Subscribers (each their language), an action starting in ten minutes, and ``members``
    going to it; returns the action's id. Written in bulk: the benchmark is not about this."""
    store = await Store.open(path)
    now = datetime.now(UTC)
    action = await store.create_action(
        NewAction("Bridge rally", "", now + timedelta(minutes=10), "UTC", "The old bridge",
                  None, None, None, ()),
        ORGANISER, [], now,
    )  # fmt: skip
    await store.close()
    stamp = to_db_time(now)
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            "INSERT INTO members (user_id, first_name, language, timezone, subscribed, "
            "created_at, updated_at) VALUES (?, ?, ?, 'UTC', 1, ?, ?)",
            [(chat, f"Member {chat}", LANGUAGES[chat % len(LANGUAGES)], stamp, stamp)
             for chat in subscribers],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO rsvps (action_id, user_id, answer, answered_at) VALUES (?, ?, 'going', ?)",
            [(action.id, chat, stamp) for chat in members],
        )
    return action.id


@dataclass
class Run:
    alert_at: float
    copies: int
    done_at: float


async def turnout(settings: Settings, subscribers: list[int], action_id: int, head: int) -> Run:
    """Queue the call's copies, wait until ``head`` have gone, send the alert, wait for all."""
    application = build_application(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(application, settings, stop))
    while not application.running:
        await asyncio.sleep(0.01)
    services = application.bot_data.services
    outbox = services.outbox
    call = CallCopy(1, "text")
    await outbox.enqueue(call, [(chat, Payload(CALL)) for chat in subscribers])
    while (await outbox.progress(call)).sent < head:
        await asyncio.sleep(0.05)
    alert_at = time.time()
    sent = await alerts.send(services, ORGANISER, action_id, Audience.GOING, ALERT)
    while not (await outbox.progress(AlertCopy(sent.alert.id))).done:
        await asyncio.sleep(0.05)
    while not (await outbox.progress(call)).done:
        await asyncio.sleep(0.1)
    done_at = time.time()
    stop.set()
    await task
    return Run(alert_at, sent.copies, done_at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--in-flight", type=int, default=16)
    parser.add_argument(
        "--head", type=float, default=3.0, help="seconds of the call sent before the alert"
    )
    parser.add_argument(
        "--apart",
        action="store_true",
        help="members who are not subscribers (by default they are a sample of them)",
    )
    parser.add_argument("--key", help="TURNOUT_DATABASE_KEY: run on an encrypted database")
    arguments = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    extra = arguments.members if arguments.apart else 0
    server = multiprocessing.Process(
        target=run_server,
        args=(theirs, arguments.subscribers + extra, arguments.rate),
        daemon=True,
    )
    server.start()
    base_url, file_url, ids = ours.recv()
    subscribers = ids[: arguments.subscribers]
    if arguments.apart:
        members = ids[arguments.subscribers :]
    else:
        members = random.Random(18).sample(subscribers, arguments.members)  # noqa: S311 - a sample

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "turnout.db"
        action_id = asyncio.run(seed(path, subscribers, members))
        if arguments.key is not None:
            encrypt_in_place(path, arguments.key)
        settings = load_settings(
            bot_token=TOKEN,
            database=path,
            database_key=arguments.key,
            owner_ids=(ORGANISER,),
            api_base_url=base_url,
            api_file_url=file_url,
            rate_limit=arguments.rate,
            max_in_flight=arguments.in_flight,
        )
        head = int(arguments.head * arguments.rate)
        run = asyncio.run(turnout(settings, subscribers, action_id, head))
    ours.send("log")
    sent, pins, throttled = ours.recv()
    ours.send("stop")
    server.join(timeout=10)

    alert_sends = [(at, chat) for at, chat, is_alert in sent if is_alert]
    call_sends = Counter(chat for _, chat, is_alert in sent if not is_alert)
    per_member = Counter(chat for _, chat in alert_sends)
    order = [is_alert for _, _, is_alert in sent]
    first = order.index(True)
    last = len(order) - 1 - order[::-1].index(True)
    between = order[first : last + 1].count(False)
    first_at, last_at = alert_sends[0][0], alert_sends[-1][0]
    span = last_at - first_at
    print(
        f"{arguments.subscribers:,} call copies queued, then an alert to {arguments.members:,} "
        f"members ({'not subscribers' if arguments.apart else 'a sample of the subscribers'}) "
        f"after {head:,} copies; rate {arguments.rate:g}/s, {arguments.in_flight} in flight, "
        f"{os.cpu_count()} cores"
        + (", the database encrypted (--key)" if arguments.key is not None else "")
    )
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| alert to its first copy | {first_at - run.alert_at:.2f} s | within 1 s |")
    print(f"| alert to its last copy | {last_at - run.alert_at:.2f} s | "
          f"{arguments.members / arguments.rate:.1f} s at the full rate |")  # fmt: skip
    print(f"| alert copies per second | {(len(alert_sends) - 1) / span:.0f} | "
          f"{arguments.rate:g} |")  # fmt: skip
    before = [at for at, _, is_alert in sent[:first] if not is_alert]
    print(f"| call copies per second before the alert (what this machine reached) | "
          f"{(len(before) - 1) / (before[-1] - before[0]):.0f} | {arguments.rate:g} |")  # fmt: skip
    print(f"| alert copies queued / delivered | {run.copies:,} / {len(per_member):,} | "
          f"{arguments.members:,} |")  # fmt: skip
    lost = sum(1 for chat in members if chat not in per_member)
    duplicated = sum(count - 1 for count in per_member.values())
    print(f"| alert copies lost / duplicated | {lost} / {duplicated} | 0 / 0 |")
    call_lost = sum(1 for chat in subscribers if chat not in call_sends)
    call_duplicated = sum(count - 1 for count in call_sends.values())
    print(f"| call copies lost / duplicated | {call_lost} / {call_duplicated} | 0 / 0 |")
    print(f"| call copies between the first and last alert copy | {between} | 0 |")
    print(f"| pins | {pins:,} | {arguments.members:,} |")
    print(f"| 429s | {sum(throttled.values())} {throttled or ''} | 0 |")
    print(f"| everything sent | {run.done_at - run.alert_at:.1f} s after the alert | |")


if __name__ == "__main__":
    main()
