"""Export benchmark: the metadata of 100,000 reports, one action's 1,000 reports with media, and
what cleaning one hostile or huge file takes.

    python benchmarks/export.py [--reports 100000] [--action-reports 1000] [--only-files]
                                [--key PASSPHRASE]

1. A database with 100,000 submitted reports and 300,000 media rows (plus members, actions and
   RSVPs); ``write_export`` of all of it without media (as ``turnout export`` without a token).
2. One action with 1,000 reports and 3,000 small photos held by the fake Bot API server, each
   download delayed 20 ms (a slow network); a full export with media.

   Each of the two runs twice: from the plain database, then from the same database encrypted
   in place with ``--key`` (as ``turnout db encrypt`` does; by default a passphrase, as an
   operator would set ``TURNOUT_DATABASE_KEY``), the export opening it with the key.
3. Single files cleaned as an export and as a publication cleans them: picture bombs (a PNG of
   205 KB that decodes to 49.8 megapixels, a progressive JPEG of the same size), a 48 MP JPEG,
   the largest PNG accepted (16 MP, with transparency and turned by its EXIF orientation), and
   a video of about 20 MB (the most a bot may download) carrying a GPS track.

Each export and each file runs in a fresh process, so its peak resident memory is its own.
Printed: time, peak RSS and ZIP size, and for the media export the most downloads seen in
flight at once; the export process's CPU time and what the encryption costs (target: at most
15%); for each file, how far the process's peak grew above its baseline (the file read, the code
imported) while cleaning it.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

import imageio_ffmpeg
from PIL import ExifTags, Image
from telegram import Bot

from turnout.export import CannotClean, TooLarge, clean_image, clean_video
from turnout.export.archive import ExportRequest, write_export
from turnout.export.downloads import bot_fetcher
from turnout.i18n import Catalogs
from turnout.sandbox.fakebot import FakeTelegram
from turnout.sandbox.fakebot.builders import fake_jpeg
from turnout.storage import Store
from turnout.storage.convert import encrypt_in_place

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"
START = datetime(2026, 5, 1, 12, tzinfo=UTC)
#: The encrypted run's ``TURNOUT_DATABASE_KEY``: a passphrase, stretched at every open.
KEY = "correct horse battery staple"
#: The most the encryption may cost, in time and in CPU: 15%.
TARGET = 1.15
WORDS = ["march", "banner", "police", "bridge", "square", "crowd", "peaceful", "leaflets",
         "drums", "rain"]  # fmt: skip


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


async def create(path: Path) -> None:
    store = await Store.open(path)  # the real migrations
    await store.close()


def fill(path: Path, reports: int, media_per_report: int, file_ids: list[str] | None) -> int:
    """Bulk rows through sqlite3 (fast); returns the id of the action with the media."""
    rng = random.Random(7)  # noqa: S311 - sample data, the same every run
    members = max(100, reports // 20)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO members (user_id, first_name, language, timezone, created_at, updated_at)"
            " VALUES (?, ?, 'en', 'Europe/Belgrade', ?, ?)",
            [(100000 + n, f"Member {n}", stamp(START), stamp(START)) for n in range(members)],
        )
        actions = 50
        db.executemany(
            "INSERT INTO actions (id, title, description, starts_at, timezone, place,"
            " reminder_minutes, created_by, created_at, updated_at)"
            " VALUES (?, ?, '', ?, 'Europe/Belgrade', 'Square', '', 1, ?, ?)",
            [(a, f"Action {a}", stamp(START + timedelta(days=a)), stamp(START), stamp(START))
             for a in range(1, actions + 1)],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO rsvps (action_id, user_id, answer, answered_at) VALUES (?, ?, ?, ?)",
            [(1 + n % actions, 100000 + n, rng.choice(["going", "maybe", "not_going"]),
              stamp(START)) for n in range(members)],
        )  # fmt: skip
        statuses = ["pending", "approved", "rejected", "flagged"]
        report_rows = []
        media_rows = []
        for n in range(1, reports + 1):
            action = 1 if file_ids is not None else 1 + n % actions
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
            at = stamp(START + timedelta(minutes=n))
            report_rows.append(
                (n, 100000 + n % members, action, text, rng.choice(statuses), at, at)
            )
            for m in range(media_per_report):
                index = (n - 1) * media_per_report + m
                file_id = file_ids[index] if file_ids is not None else f"AgAD{index:09d}"
                media_rows.append((n, file_id, f"U{index}", 50000, m + 1))
        db.executemany(
            "INSERT INTO reports (id, user_id, action_id, action_chosen, text, status,"
            " created_at, submitted_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
            [(*row[:6], row[5], row[6]) for row in report_rows],
        )
        db.executemany(
            "INSERT INTO report_media (report_id, kind, file_id, file_unique_id, size,"
            " message_id) VALUES (?, 'photo', ?, ?, ?, ?)",
            media_rows,
        )
    return 1


def export_process(
    database: str,
    key: str | None,
    out: str,
    action_id: int | None,
    base_url: str | None,
    pipe: Connection,
) -> None:
    async def run() -> Exported:
        # Opening is timed apart: with a passphrase, that is where the key is stretched.
        opening = time.monotonic()
        store = await Store.open(Path(database), key=key)
        opening = time.monotonic() - opening
        t = Catalogs("en").translator("en")
        request = ExportRequest(action_id, t, "Europe/Belgrade", "Benchmark")
        started = time.monotonic()
        cpu = time.process_time()  # every thread's, SQLite's included
        try:
            if base_url is None:
                result = await write_export(store, Path(out), request)
            else:
                bot = Bot(TOKEN, base_url=base_url + "/bot", base_file_url=base_url + "/file/bot")
                async with bot:
                    fetching = ExportRequest(action_id, t, "Europe/Belgrade", "Benchmark",
                                             fetch=bot_fetcher(bot))  # fmt: skip
                    result = await write_export(store, Path(out), fetching)
        finally:
            await store.close()
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        return Exported(seconds, cpu, opening, result.size, result.files, peak_kib=0)

    done = asyncio.run(run())
    pipe.send(replace(done, peak_kib=peak_rss_kib()))


def peak_rss_kib() -> int:
    """This process's own peak resident memory. Not getrusage's ru_maxrss: Linux carries that
    over from the parent through fork and exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass(frozen=True)
class Exported:
    """One export: its time and CPU (from the store opened to the ZIP closed), the time the
    store took to open, the ZIP's bytes and media files, the process's peak RSS."""

    seconds: float
    cpu: float
    opening: float
    size: int
    files: int
    peak_kib: int


async def in_child(
    database: Path, key: str | None, out: Path, action_id: int | None, base_url: str | None
) -> Exported:
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=export_process,
        args=(str(database), key, str(out), action_id, base_url, theirs),
    )
    process.start()
    result = await asyncio.to_thread(ours.recv)
    await asyncio.to_thread(process.join)
    return result  # type: ignore[no-any-return]


def encrypted(database: Path, key: str) -> float:
    """Encrypt the database in place, as ``turnout db encrypt`` does; the seconds it took."""
    started = time.monotonic()
    encrypt_in_place(database, key)
    return time.monotonic() - started


def key_kind(key: str) -> str:
    """What SQLCipher makes of the key (``storage/cipher.py``)."""
    if re.fullmatch(r"[0-9a-fA-F]{64}", key):
        return "a raw key of 64 hex digits"
    return "a passphrase, stretched with PBKDF2 at each open"


def table_row(label: str, reports: int, media: str, done: Exported, at_once: str) -> str:
    return (
        f"| {label} | {reports:,} | {media} | {done.seconds:.1f} | {done.peak_kib / 1024:.0f} "
        f"| {done.size / 2**20:.1f} | {at_once} |"
    )


def cost(what: str, plain: Exported, keyed: Exported) -> tuple[float, float]:
    """Print one export's CPU and its encrypted/plain ratios; return the ratios."""
    slower, costlier = keyed.seconds / plain.seconds, keyed.cpu / plain.cpu
    print(
        f"{what}: CPU {plain.cpu:.2f} s plain, {keyed.cpu:.2f} s encrypted; "
        f"encrypted / plain: time {slower:.2f}, CPU {costlier:.2f}; "
        f"opening the store {plain.opening:.2f} s plain, {keyed.opening:.2f} s encrypted"
    )
    return slower, costlier


async def full_export(
    telegram: FakeTelegram, database: Path, key: str | None, out: Path, action_id: int
) -> tuple[Exported, int]:
    """The export with media, downloads sampled meanwhile: (the export, the most at once)."""
    most = 0
    sampling = True

    async def sample() -> None:
        nonlocal most
        seen = 0
        while sampling:
            calls = telegram.calls
            in_flight = sum(
                1 for c in calls[seen:] if c.method == "downloadFile" and c.status is None
            )
            most = max(most, in_flight)
            # Skip past the calls that are finished for good.
            while seen < len(calls) and calls[seen].status is not None:
                seen += 1
            await asyncio.sleep(0.005)

    sampler = asyncio.create_task(sample())
    base = telegram.base_url.removesuffix("/bot")
    done = await in_child(database, key, out, action_id, base)
    sampling = False
    await sampler
    return done, most


PHOTO_SIDE = 2560  # as usecases.publishing cleans a picture for a channel


def clean_process(path: str, kind: str, max_side: int | None, pipe: Connection) -> None:
    """Clean one file; send (what came of it, MB the peak grew above the baseline, seconds)."""
    data = Path(path).read_bytes()
    before = peak_rss_kib()
    started = time.monotonic()
    try:
        if kind == "video":
            cleaned = clean_video(data)
            outcome = f"cleaned, {len(cleaned) / 2**20:.1f} MB"
        else:
            cleaned, extension, _ = clean_image(data, max_side=max_side)
            width, height = Image.open(io.BytesIO(cleaned)).size
            outcome = f"{extension}, {width}x{height}"
    except TooLarge as error:
        outcome = f"refused: {error.pixels / 1e6:.1f} MP, limit {error.limit // 1_000_000} MP"
    except CannotClean as error:
        outcome = f"refused: {error}"
    elapsed = time.monotonic() - started
    pipe.send((outcome, (peak_rss_kib() - before) / 1024, elapsed))


async def cleaned_in_child(path: Path, kind: str, max_side: int | None) -> tuple[str, float, float]:
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=clean_process, args=(str(path), kind, max_side, theirs)
    )
    process.start()
    result = await asyncio.to_thread(ours.recv)
    await asyncio.to_thread(process.join)
    return result  # type: ignore[no-any-return]


def make_files(folder: Path) -> list[tuple[str, Path, str]]:
    """(what it is, where, "picture" or "video")."""
    Image.MAX_IMAGE_PIXELS = None
    bomb = folder / "bomb.png"
    Image.new("RGBA", (7060, 7060), (200, 30, 30, 255)).save(bomb)
    progressive = folder / "bomb.jpg"
    Image.new("RGB", (7060, 7060), (200, 30, 30)).save(progressive, progressive=True)
    photo = folder / "photo.jpg"
    noise = Image.effect_noise((8000, 6000), 40).convert("RGB")
    noise.save(photo, quality=70)
    del noise
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    largest = folder / "largest.png"
    grey = Image.effect_noise((4000, 4000), 12)
    Image.merge("RGBA", [grey, grey, grey, grey.point(lambda v: 255 - v)]).save(
        largest, exif=exif.tobytes(), compress_level=1
    )
    del grey
    video = folder / "video.mov"
    gps = folder / "gps.bin"
    gps.write_bytes(b"GPS5+40.7128-074.0060/" * 100)
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run(  # noqa: S603 - the benchmark's own file
        [ffmpeg, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
         "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine", "-f", "data", "-i",
         str(gps), "-map", "0", "-map", "1", "-map", "2", "-t", "5.5", "-c:v", "mpeg4",
         "-q:v", "1", "-c:a", "aac", "-c:d", "copy", "-tag:d", "gpmd", "-metadata",
         "location=+40.7128-074.0060/", str(video)],
        check=True,
    )  # fmt: skip
    return [
        (f"PNG bomb, 7060x7060 RGBA, {bomb.stat().st_size // 1024} KB", bomb, "picture"),
        (f"progressive JPEG, 7060x7060, {progressive.stat().st_size // 1024} KB", progressive,
         "picture"),
        (f"JPEG 8000x6000 (48 MP), {photo.stat().st_size / 2**20:.1f} MB", photo, "picture"),
        (f"PNG 4000x4000 RGBA, turned, {largest.stat().st_size / 2**20:.0f} MB", largest,
         "picture"),
        (f"video with a GPS track, {video.stat().st_size / 2**20:.1f} MB", video, "video"),
    ]  # fmt: skip


async def files_table() -> None:
    print("| file | cleaned for | outcome | peak above baseline MB | time s |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for what, path, kind in make_files(Path(folder)):
            # A video is cleaned the same way for both; a picture is scaled for a channel.
            uses: list[tuple[str, int | None]] = [("export and publication", None)]
            if kind == "picture":
                uses = [("export", None), ("publication", PHOTO_SIDE)]
            for use, side in uses:
                outcome, grown, elapsed = await cleaned_in_child(path, kind, side)
                print(f"| {what} | {use} | {outcome} | {grown:.0f} | {elapsed:.2f} |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--action-reports", type=int, default=1_000)
    parser.add_argument("--only-files", action="store_true", help="only part 3")
    parser.add_argument("--key", default=KEY, help="the encrypted run's TURNOUT_DATABASE_KEY")
    arguments = parser.parse_args()
    key = arguments.key
    print(f"{os.cpu_count()} cores")
    if not arguments.only_files:
        print(f'encrypted: TURNOUT_DATABASE_KEY="{key}", {key_kind(key)} (SQLCipher 4)')
    print()
    if arguments.only_files:
        await files_table()
        return
    print("| export | reports | media | time s | peak RSS MB | ZIP MB | downloads at once |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "big.db"
        await create(database)
        fill(database, arguments.reports, 3, None)
        media = f"{3 * arguments.reports:,} (not downloaded)"
        metadata: list[Exported] = []
        encrypting: list[float] = []
        for label, with_key in (("metadata, all", None), ("metadata, all, encrypted", key)):
            if with_key is not None:
                encrypting.append(encrypted(database, with_key))
            done = await in_child(database, with_key, Path(folder) / "all.zip", None, None)
            metadata.append(done)
            print(table_row(label, arguments.reports, media, done, "-"))

        async with FakeTelegram(TOKEN) as telegram:
            count = 3 * arguments.action_reports
            file_ids = [
                telegram.world.files.add_photo(fake_jpeg())[-1].file_id for _ in range(count)
            ]
            telegram.faults.add_delay("downloadFile", 0.02, None)
            small = Path(folder) / "action.db"
            await create(small)
            action_id = fill(small, arguments.action_reports, 3, file_ids)
            media = f"{count:,} downloaded, cleaned"
            full: list[Exported] = []
            runs = (("full, one action", None), ("full, one action, encrypted", key))
            for label, with_key in runs:
                if with_key is not None:
                    encrypting.append(encrypted(small, with_key))
                out = Path(folder) / "one.zip"
                done, most = await full_export(telegram, small, with_key, out, action_id)
                with zipfile.ZipFile(out) as archive:
                    stored = sum(1 for name in archive.namelist() if name.startswith("media/"))
                assert stored == done.files == count, (stored, done.files, count)
                full.append(done)
                print(table_row(label, arguments.action_reports, media, done, str(most)))
    print()
    ratios = [*cost("metadata, all", *metadata), *cost("full, one action", *full)]
    print(
        f"worst encrypted / plain: {max(ratios):.2f} (target: at most {TARGET:.2f}): "
        f"{'met' if max(ratios) <= TARGET else 'missed'}; encrypting the databases in place "
        f"took {encrypting[0]:.1f} s and {encrypting[1]:.1f} s"
    )
    print()
    await files_table()


if __name__ == "__main__":
    asyncio.run(main())
