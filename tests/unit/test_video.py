"""Video cleaning: the video and audio copied packet for packet, and nothing left that says
where, when or with what it was filmed. The videos are made by the same ffmpeg, at test time."""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import pytest

from turnout.export import CannotClean, clean_video
from turnout.export import video as video_module

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
PLACE = "+40.7128-074.0060/"
SECRETS = [
    b"\xa9xyz",  # QuickTime's location atom
    PLACE.encode(),
    b"loci",  # 3GPP's location box
    b"com.apple.quicktime",  # Apple's metadata keys
    b"gpmd",  # a GoPro's GPS data track
    b"GPS5",  # inside it
    b"tmcd",  # a timecode track
    b"HERO12",  # the camera, as a stream's title
    b"Lavf",  # ffmpeg's own tag
]


def ffmpeg(*arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", *arguments],
        capture_output=True,
        check=False,
    )


def _made(name: str, *arguments: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        gps = Path(folder) / "gps.bin"
        gps.write_bytes(b"DEVC\x00\x00\x00\x00GPS5" + PLACE.encode() + bytes(200))
        target = Path(folder) / name
        sources = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10"]
        sources += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000"]
        sources += ["-f", "data", "-i", str(gps)]
        done = ffmpeg(*sources, "-t", "1", "-c:v", "mpeg4", "-c:a", "aac", *arguments, str(target))
        assert done.returncode == 0, done.stderr.decode()
        return target.read_bytes()


@functools.cache
def filmed_with_gps() -> bytes:
    """A QuickTime video as an action camera writes it: video and audio, with where (©xyz)
    and when it was filmed, a GPS data track (gpmd), a timecode track and the camera's name."""
    return _made(
        "filmed.mov",
        *("-map", "0", "-map", "1", "-map", "2", "-c:d", "copy", "-tag:d", "gpmd"),
        *("-metadata", f"location={PLACE}", "-metadata", "creation_time=2024-05-01T10:00:00Z"),
        *("-metadata:s:v", "title=HERO12 Black", "-timecode", "01:00:00:00"),
    )


@functools.cache
def filmed_on_a_phone() -> bytes:
    """An MP4 as a phone writes it: Apple's location key, the creation time, and the 3GPP
    location box."""
    return _made(
        "phone.mp4",
        *("-map", "0", "-map", "1", "-movflags", "use_metadata_tags"),
        *("-metadata", f"com.apple.quicktime.location.ISO6709={PLACE}"),
        *("-metadata", "creation_time=2024-05-01T10:00:00Z"),
    )


@functools.cache
def animation() -> bytes:
    """What Telegram makes of a GIF: a video without sound."""
    return _made("animation.mp4", "-map", "0", "-metadata", f"location={PLACE}")


def described(data: bytes) -> str:
    """What ffmpeg says of a file's container and streams (as ffprobe would)."""
    with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
        file.write(data)
        file.flush()
        said = subprocess.run(
            [FFMPEG, "-hide_banner", "-i", file.name], capture_output=True, check=False
        )
    return said.stderr.decode(errors="replace")


def packets(data: bytes, stream: str) -> str:
    """The MD5 of one kind of stream's packets, as they are (nothing decoded)."""
    with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
        file.write(data)
        file.flush()
        done = ffmpeg("-i", file.name, "-map", f"0:{stream}", "-c", "copy", "-f", "md5", "-")
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def streams(description: str) -> list[str]:
    return [line.split(": ")[1] for line in description.splitlines() if "Stream #" in line]


@pytest.mark.parametrize("original", [filmed_with_gps, filmed_on_a_phone], ids=["camera", "phone"])
def test_a_video_loses_where_when_and_with_what_it_was_filmed(
    original: Callable[[], bytes],
) -> None:
    before = original()
    assert "location" in described(before) and "creation_time" in described(before)
    assert PLACE.encode() in before or b"loci" in before

    cleaned = clean_video(before)

    for secret in SECRETS:
        assert secret not in cleaned, secret
    description = described(cleaned)
    for word in ("location", "creation_time", "timecode", "encoder", "HERO12", "Data:"):
        assert word not in description, word
    assert streams(description) == ["Video", "Audio"]
    # Packet for packet the same: nothing was re-encoded.
    assert packets(cleaned, "v") == packets(before, "v")
    assert packets(cleaned, "a") == packets(before, "a")


def test_the_gps_track_was_there_to_remove() -> None:
    """Guards the test above against a sample that never had a GPS track."""
    description = described(filmed_with_gps())
    assert "gpmd" in description and "tmcd" in description
    assert b"GPS5" in filmed_with_gps()


def test_an_animation_without_sound_stays_one() -> None:
    cleaned = clean_video(animation())
    assert streams(described(cleaned)) == ["Video"]
    assert packets(cleaned, "v") == packets(animation(), "v")
    assert PLACE.encode() not in cleaned


@pytest.mark.parametrize(
    "data",
    [b"", b"not a video", b"\x00\x00\x00\x1cftypmp42" + bytes(200), b"#EXTM3U\nfile:///etc/passwd"],
    ids=["empty", "text", "an opening only", "a playlist"],
)
def test_what_ffmpeg_cannot_copy_is_refused(data: bytes) -> None:
    with pytest.raises(CannotClean, match="ffmpeg failed"):
        clean_video(data)


def test_without_ffmpeg_a_video_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_module, "ffmpeg", lambda: "/nowhere/ffmpeg")
    with pytest.raises(CannotClean, match="could not run"):
        clean_video(animation())


def test_a_slow_ffmpeg_is_killed_and_the_video_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    slow = tmp_path / "slow-ffmpeg"
    slow.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(video_module, "ffmpeg", lambda: str(slow))
    monkeypatch.setattr(video_module, "TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(CannotClean, match="took more than"):
        clean_video(animation())
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # killed, and waited for


def test_nothing_is_left_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    clean_video(animation())
    with pytest.raises(CannotClean):
        clean_video(b"not a video")
    assert list(tmp_path.iterdir()) == []
