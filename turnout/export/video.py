"""Videos without what their container says about their author: where they were filmed (QuickTime's
``©xyz``, 3GPP's ``loci``, Apple's location key), when, with what, and any data track (a GoPro's
``gpmd`` GPS track, a timecode) are dropped by copying the video and audio streams alone into a
new MP4 with ffmpeg (README, "What the bot stores"). The streams themselves are copied as they
are, packet for packet: nothing is re-encoded.

The ffmpeg binary is the one the ``imageio-ffmpeg`` package ships (or ``IMAGEIO_FFMPEG_EXE``).
When it is missing, fails or takes too long, the video is refused (``CannotClean``), never
passed through.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
import threading
from pathlib import Path

import imageio_ffmpeg

from turnout.export.errors import CannotClean
from turnout.scratch import scratch_prefix

TIMEOUT = 60.0
"""Seconds ffmpeg may take for one video (a copy of at most 20 MB takes well under one); then
it is killed and the video left out."""

# One video at a time, whoever asks (an export, a publication), as for pictures.
_ONE_AT_A_TIME = threading.Lock()

# SOURCE: read only as MP4/QuickTime, whatever the bytes claim: members' videos are, and
# ffmpeg's other demuxers (playlists, concat lists) can be made to read other files or the
# network. Only the video (not a cover picture) and audio streams go out; no container, stream
# or chapter metadata; no data (GPS, timecode) or subtitle streams; and no "encoder" tag of
# ffmpeg's own.
SOURCE = ["-protocol_whitelist", "file", "-f", "mov"]
READ = ["-nostdin", "-hide_banner", "-loglevel", "error", *SOURCE]
PLAIN = [
    "-map_metadata", "-1", "-map_metadata:s:v", "-1", "-map_metadata:s:a", "-1",
    "-map_chapters", "-1", "-dn", "-sn",
    "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
    "-movflags", "+faststart", "-f", "mp4", "-y",
]  # fmt: skip
"""How a clean MP4 is written, whatever streams it holds (``export.blurring`` writes them too)."""
# The first video stream alone (a second one could hold anything, and only the first is looked
# at for faces: ``export.blurring``), and the sound.
_WRITE = ["-map", "0:V:0?", "-map", "0:a?", "-c", "copy", *PLAIN]


def clean_video(data: bytes) -> bytes:
    """The video's streams, untouched, in a new MP4 without metadata or data streams.

    Raises CannotClean when ffmpeg is missing, cannot read it, or takes longer than
    ``TIMEOUT``. Blocking: call it in a worker thread."""
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix=scratch_prefix("video")) as folder:
        # A private folder (mode 0700), removed with what is in it whatever happens.
        source, target = Path(folder) / "source", Path(folder) / "clean.mp4"
        source.write_bytes(data)
        command = [ffmpeg(), *READ, "-i", str(source), *_WRITE, str(target)]
        try:
            # On a timeout, run() kills ffmpeg and waits for it before raising.
            done = subprocess.run(  # noqa: S603 - our binary; the member's file is only read
                command, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired as error:
            raise CannotClean(f"ffmpeg took more than {TIMEOUT:.0f} s") from error
        except OSError as error:
            raise CannotClean(f"ffmpeg could not run: {error}") from error
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            raise CannotClean(f"ffmpeg failed: {said[-1] if said else done.returncode}")
        try:
            return target.read_bytes()
        except OSError as error:
            raise CannotClean(f"ffmpeg wrote nothing: {error}") from error


@functools.cache
def ffmpeg() -> str:
    """Where ffmpeg is (looked for once; a failure is not remembered, so it is looked for
    again next time)."""
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as error:
        raise CannotClean(f"no ffmpeg: {error}") from error
