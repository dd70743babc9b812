"""Pictures and videos with every face found covered (README, "Faces"), and their metadata
gone as ``clean`` and ``video`` remove it.

A picture is decoded as ``clean`` decodes it (within its memory budget, upright), its faces
found (``turnout.faces.detect``) and covered (``turnout.faces.mosaic``), and saved with its
pixels alone. A video is decoded frame by frame with ffmpeg, each frame's faces covered (with
those of the frames just before and after, so that a face the detector misses for one frame
is covered all the same), encoded again as H.264, and its sound copied across untouched.

The ``blur_*`` functions block and run in the face worker (``turnout.faces.pool``); the
``blurred_*`` coroutines send them there.
"""

from __future__ import annotations

import functools
import logging
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import imageio_ffmpeg
from PIL import Image

from turnout.export.clean import clean_image
from turnout.export.errors import CannotClean, FacesBusy, FacesUnavailable
from turnout.export.video import PLAIN, SOURCE, ffmpeg
from turnout.faces import Busy, FaceError, ModelMissing, WorkerFailed
from turnout.faces import model as face_model
from turnout.faces.detect import Face, distinct, find_faces
from turnout.faces.mosaic import pixelate
from turnout.faces.pool import shared
from turnout.scratch import scratch_prefix

log = logging.getLogger(__name__)

PICTURE_DEADLINE = 60.0
"""Seconds one picture may take in the worker (a 12 MP photo takes about one)."""
MAX_SECONDS = 180.0
"""The longest video whose faces are covered: each second of 1080p takes about two and a half
(README, "Benchmarks"). A longer one is left out."""
MAX_FRAME = 3840 * 2160
"""The largest frame, in pixels (4K)."""
MAX_FPS = 120.0
VIDEO_SIDE = 960
"""The long side a video frame is looked at (the faces are covered at full size)."""


@dataclass(frozen=True, slots=True)
class Blurred:
    """A picture or video with its faces covered: its bytes, how many faces (in a video, the
    most in any one frame), and its file extension and MIME type."""

    data: bytes
    faces: int
    extension: str
    mime: str


def blur_image(data: bytes, *, max_side: int | None = None) -> Blurred:
    """The picture with every face found covered and its metadata gone (as ``clean_image``;
    ``max_side`` as there). Raises TooLarge, CannotClean, FacesUnavailable. Blocking."""
    found: list[Face] = []

    def cover(image: Image.Image) -> Image.Image:
        if image.mode in ("P", "PA", "1"):  # a palette's indexes cannot be averaged
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        try:
            faces = find_faces(image)
            if image.mode in ("RGBA", "LA"):
                # What a viewer sees depends on what is behind it: a face can be drawn in the
                # transparency alone (invisible to the detector's look at the colours), shown
                # on a white page. Looked at over white too.
                faces = distinct([*faces, *find_faces(_over_white(image))])
        except ModelMissing as error:
            raise FacesUnavailable(str(error)) from error
        except FaceError as error:
            raise CannotClean(str(error)) from error
        pixelate(image, faces)
        found.extend(faces)
        return image

    cleaned, extension, mime = clean_image(data, max_side=max_side, edit=cover)
    return Blurred(cleaned, len(found), extension, mime)


def _over_white(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image.convert("RGBA") if image.mode == "LA" else image, mask=image)
    return background


def blur_video(data: bytes) -> Blurred:
    """The video with every face found covered in every frame, as an H.264 MP4 without
    metadata, its sound copied as it was. Raises CannotClean (unreadable, too long, too
    large, or slower than its deadline) and FacesUnavailable. Blocking."""
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("faces")) as folder:
        # A private folder (mode 0700), removed with what is in it whatever happens.
        source, frames_file, target = (Path(folder) / n for n in ("source", "v.mp4", "out.mp4"))
        source.write_bytes(data)
        try:
            faces = _encode_covered(source, frames_file, Path(folder) / "encoder.log")
        except FaceError as error:
            if isinstance(error, ModelMissing):
                raise FacesUnavailable(str(error)) from error
            raise CannotClean(str(error)) from error
        except (OSError, RuntimeError, StopIteration, KeyError, ValueError) as error:
            # imageio-ffmpeg says "cannot read" with RuntimeError or a missing size.
            raise CannotClean(f"cannot decode the video: {error}") from error
        _add_sound(frames_file, source, target)
        try:
            return Blurred(target.read_bytes(), faces, "mp4", "video/mp4")
        except OSError as error:
            raise CannotClean(f"ffmpeg wrote nothing: {error}") from error


def deadline(seconds: float) -> float:
    """Seconds a video of ``seconds`` may take to be covered: twice the pace measured here,
    and a minute to start."""
    return 60.0 + 5.0 * seconds


def _encode_covered(source: Path, target: Path, errors: Path) -> int:
    """Decode ``source``, cover each frame's faces, and encode the frames into ``target`` (no
    sound); return the most faces found in one frame."""
    frames = imageio_ffmpeg.read_frames(
        str(source), input_params=SOURCE, output_params=["-map", "0:V:0"]
    )
    try:
        meta = next(frames)
        width, height = meta["size"]
        seconds = float(meta.get("duration") or 0)
        if seconds > MAX_SECONDS:
            raise CannotClean(f"{seconds:.0f} s long, more than the {MAX_SECONDS:.0f} s allowed")
        if width * height > MAX_FRAME:
            raise CannotClean(f"frames of {width}x{height}, larger than 4K")
        if not 0 < float(meta["fps"]) <= MAX_FPS:
            # Thousands of tiny frames a second would each cost a detection all the same.
            raise CannotClean(f"{meta['fps']} frames a second")
        until = time.monotonic() + deadline(seconds or MAX_SECONDS)
        with errors.open("wb") as log_file:
            return _encode(frames, (width, height), float(meta["fps"]), target, log_file, until)
    finally:
        frames.close()  # stops its ffmpeg


def _encode(
    frames: Iterator[bytes],
    size: tuple[int, int],
    fps: float,
    target: Path,
    errors: IO[bytes],
    until: float,
) -> int:
    width, height = size
    command = [
        ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:.6g}",
        "-i", "-", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
        "-pix_fmt", "yuv420p", *PLAIN, str(target),
    ]  # fmt: skip
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)  # noqa: S603
    assert encoder.stdin is not None
    most = 0
    # Each frame is covered with its own faces and its neighbours': it waits for the next
    # frame's to be found.
    before: list[Face] = []
    waiting: tuple[Image.Image, list[Face]] | None = None
    try:
        for frame in frames:
            if time.monotonic() > until:
                raise CannotClean("covering the faces took too long")
            image = Image.frombytes("RGB", size, frame)
            faces = find_faces(image, largest=VIDEO_SIDE)
            most = max(most, len(faces))
            if waiting is not None:
                encoder.stdin.write(_covered(waiting[0], [*before, *waiting[1], *faces]))
                before = waiting[1]
            waiting = (image, faces)
        if waiting is not None:
            encoder.stdin.write(_covered(waiting[0], [*before, *waiting[1]]))
        encoder.stdin.close()
        code = encoder.wait(timeout=max(1.0, until - time.monotonic()))
    except (BrokenPipeError, subprocess.TimeoutExpired) as error:
        raise CannotClean(f"the encoder stopped: {error}") from error
    finally:
        if encoder.poll() is None:
            encoder.kill()
            encoder.wait()
    if code != 0:
        raise CannotClean(f"the encoder failed ({code})")
    return most


def _covered(image: Image.Image, faces: list[Face]) -> bytes:
    pixelate(image, faces)
    return image.tobytes()


def _add_sound(frames: Path, source: Path, target: Path) -> None:
    """Join the covered frames and the source's sound, copied as it is; sound an MP4 cannot
    hold as it is (rare from a phone) is encoded as AAC."""
    said = ""
    for sound in (["-c:a", "copy"], ["-c:a", "aac", "-b:a", "128k"]):
        command = [
            ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(frames),
            *SOURCE, "-i", str(source),
            "-map", "0:v:0", "-map", "1:a?", "-c:v", "copy", *sound, *PLAIN, str(target),
        ]  # fmt: skip
        try:
            done = subprocess.run(  # noqa: S603 - our binary and our files
                command, stdin=subprocess.DEVNULL, capture_output=True, timeout=PICTURE_DEADLINE
            )
        except (subprocess.TimeoutExpired, OSError) as error:
            raise CannotClean(f"ffmpeg could not add the sound: {error}") from error
        if done.returncode == 0:
            return
        said = done.stderr.decode(errors="replace").strip()[-300:]
    raise CannotClean(f"ffmpeg could not add the sound: {said}")


async def blurred_image(data: bytes, *, max_side: int | None = None, wait: bool) -> Blurred:
    """``blur_image`` in the face worker. ``wait``: wait for a place in its queue (an
    export) rather than raise FacesBusy (a person waiting for an answer)."""
    job = functools.partial(blur_image, data, max_side=max_side)
    return await _in_worker(job, PICTURE_DEADLINE, wait)


async def blurred_video(data: bytes, *, wait: bool) -> Blurred:
    """``blur_video`` in the face worker (``wait`` as for ``blurred_image``)."""
    return await _in_worker(functools.partial(blur_video, data), deadline(MAX_SECONDS), wait)


async def _in_worker(job: functools.partial[Blurred], seconds: float, wait: bool) -> Blurred:
    reason = face_model.missing()
    if reason is not None:
        raise FacesUnavailable(reason)
    try:
        return await shared().run(job, deadline=seconds, wait=wait)
    except Busy as error:
        raise FacesBusy() from error
    except WorkerFailed as error:
        # This item, not the next: the worker is started again for it.
        raise CannotClean(str(error)) from error
    except FaceError as error:
        raise FacesUnavailable(str(error)) from error
