"""Metadata stripping: nothing that says where, when or with what a picture was taken."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from turnout.export import CannotClean, TooLarge, clean_image, is_image
from turnout.export.clean import MAX_PIXELS, _jpeg_layout

SECRET_PLACE = (45.0, 16.0, 30.0)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CanonSecretMake"
    exif[ExifTags.Base.Model] = "ModelX-12345"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Artist] = "Ana Activist"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = SECRET_PLACE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = SECRET_PLACE
    return exif


def jpeg_with_gps(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=gps_exif(orientation).tobytes(),
        icc_profile=b"ICC-PROFILE-FROM-PHONE",
        comment=b"shot by Ana",
    )
    return out.getvalue()


def assert_clean(data: bytes) -> Image.Image:
    secrets = [b"Exif", b"CanonSecretMake", b"ModelX", b"Ana Activist", b"ICC-PROFILE"]
    secrets += [b"shot by Ana", b"GPS", b"tEXt", b"iTXt", b"eXIf", b"http://ns.adobe.com"]
    for secret in secrets:
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
    return image


def test_a_jpeg_loses_gps_camera_author_and_profile() -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    cleaned, extension, mime = clean_image(original)
    image = assert_clean(cleaned)
    assert (extension, mime, image.format, image.size) == ("jpg", "image/jpeg", "JPEG", (40, 20))


def test_the_orientation_is_applied_before_it_is_dropped() -> None:
    cleaned, _, _ = clean_image(jpeg_with_gps(orientation=6))  # "rotate 90°" on the phone
    assert assert_clean(cleaned).size == (20, 40)


def test_a_png_loses_its_text_chunks_and_exif() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ana Activist")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta xmlns:x='http://ns.adobe.com'/>")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 128)).save(
        out, "PNG", pnginfo=info, exif=gps_exif().tobytes()
    )
    assert b"Ana Activist" in out.getvalue()
    cleaned, extension, _ = clean_image(out.getvalue())
    image = assert_clean(cleaned)
    assert (extension, image.mode) == ("png", "RGBA")


def test_a_palette_gif_becomes_a_clean_png() -> None:
    out = io.BytesIO()
    Image.new("P", (8, 8), 3).save(out, "GIF", comment=b"shot by Ana")
    cleaned, extension, mime = clean_image(out.getvalue())
    assert (extension, mime) == ("png", "image/png")
    assert_clean(cleaned)


@pytest.mark.parametrize(
    "data",
    [
        # A HEIC file's opening: Pillow cannot decode it here, so it must not pass through.
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        b"\x00\x00\x00\x20ftypmp42" + b"\x00" * 64,  # a video sent as a file
        b"",
        b"not an image at all",
        jpeg_with_gps()[:200],  # cut short in transfer
    ],
    ids=["heic", "mp4", "empty", "text", "truncated"],
)
def test_what_cannot_be_decoded_is_refused_not_passed_through(data: bytes) -> None:
    with pytest.raises(CannotClean):
        clean_image(data)


def test_documents_that_are_pictures() -> None:
    assert is_image("image/jpeg")
    assert is_image(None, "IMG_0001.HEIC")
    assert not is_image("video/mp4", "clip.jpg")
    assert not is_image(None, "minutes.pdf")


def test_a_phone_jpeg_with_a_second_image_stays_a_jpeg() -> None:
    out = io.BytesIO()
    main, depth = Image.new("RGB", (30, 20), (10, 20, 30)), Image.new("RGB", (30, 20), (0, 0, 0))
    main.save(out, "MPO", save_all=True, append_images=[depth], exif=gps_exif().tobytes())
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    cleaned, extension, mime = clean_image(out.getvalue())
    assert (extension, mime, assert_clean(cleaned).format) == ("jpg", "image/jpeg", "JPEG")


def test_for_a_channel_a_picture_is_scaled_down_and_becomes_a_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (3000, 1000), (0, 0, 0, 0)).save(out, "PNG", exif=gps_exif().tobytes())
    cleaned, extension, _ = clean_image(out.getvalue(), max_side=1500)
    image = assert_clean(cleaned)
    assert (extension, image.format, image.mode, image.size) == ("jpg", "JPEG", "RGB", (1500, 500))
    assert image.getpixel((0, 0)) == (255, 255, 255)  # transparency on white


def test_a_broken_png_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[20:24] = b"\xff\xff\xff\xff"  # the header chunk's width: absurd
    with pytest.raises(CannotClean):
        clean_image(bytes(data))


# Picture bombs: small files that decode to huge pictures. Cleaning one must stay under about
# 150 MB above the process's baseline. Pillow's memory is not Python's (tracemalloc does not see
# it), so each is cleaned in a process of its own, which reports how far its peak resident
# memory (VmHWM; not getrusage's ru_maxrss, which a child takes over from its parent, this
# test) grew. The pictures are made in another process, so that making them does not raise that
# peak first.

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MB = 150
on_linux = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")

MEASURE = """
import io, json, sys
from pathlib import Path
from PIL import Image
from turnout.export import TooLarge, clean_image

def peak_kib():
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])

data = open(sys.argv[1], "rb").read()
max_side = int(sys.argv[2]) if sys.argv[2] != "-" else None
before = peak_kib()
try:
    cleaned, extension, _ = clean_image(data, max_side=max_side)
except TooLarge as error:
    outcome = {"refused": [error.pixels, error.limit]}
else:
    outcome = {"extension": extension, "size": list(Image.open(io.BytesIO(cleaned)).size)}
print(json.dumps({"grown_mb": (peak_kib() - before) / 1024, **outcome}))
"""


def python(code: str, *arguments: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    return done.stdout


def made(path: Path, mode: str, size: tuple[int, int], **options: object) -> Path:
    """A picture of one colour (a few hundred kilobytes at most), made in another process."""
    python(
        "import sys, json; from PIL import Image; Image.MAX_IMAGE_PIXELS = None; "
        "Image.new(sys.argv[2], tuple(json.loads(sys.argv[3])), 'red')"
        ".save(sys.argv[1], **json.loads(sys.argv[4]))",
        str(path),
        mode,
        json.dumps(size),
        json.dumps(options),
    )
    return path


def cleaned_apart(path: Path, max_side: int | None = None) -> dict[str, object]:
    """Clean the picture at ``path`` in a process of its own: what came of it, and
    ``grown_mb``, how far that process's peak memory grew meanwhile."""
    outcome: dict[str, object] = json.loads(python(MEASURE, str(path), str(max_side or "-")))
    return outcome


@on_linux
@pytest.mark.parametrize("max_side", [None, 2560], ids=["export", "publication"])
def test_a_png_bomb_is_refused_before_it_is_decoded(tmp_path: Path, max_side: int | None) -> None:
    bomb = made(tmp_path / "bomb.png", "RGBA", (7060, 7060))  # 49.8 MP, about 200 KB
    assert bomb.stat().st_size < 1024 * 1024
    outcome = cleaned_apart(bomb, max_side)
    assert outcome["refused"] == [7060 * 7060, MAX_PIXELS]
    assert outcome["grown_mb"] < LIMIT_MB


@on_linux
def test_a_big_jpeg_is_decoded_smaller_within_the_memory_limit(tmp_path: Path) -> None:
    photo = made(tmp_path / "photo.jpg", "RGB", (8000, 6000), quality=90)  # 48 MP
    exported = cleaned_apart(photo)
    assert (exported["extension"], exported["size"]) == ("jpg", [4000, 3000])  # a half
    assert exported["grown_mb"] < LIMIT_MB
    published = cleaned_apart(photo, max_side=2560)
    assert (published["extension"], published["size"]) == ("jpg", [2560, 1920])
    assert published["grown_mb"] < LIMIT_MB


@on_linux
def test_a_progressive_jpeg_bomb_is_refused_for_what_libjpeg_would_keep(tmp_path: Path) -> None:
    # Decoded at 1/8 it would be small, but libjpeg keeps every coefficient of a progressive
    # JPEG at full size: 3 bytes a pixel here, 150 MB.
    bomb = made(tmp_path / "bomb.jpg", "RGB", (7060, 7060), progressive=True)
    outcome = cleaned_apart(bomb, max_side=2560)
    pixels, limit = outcome["refused"]  # type: ignore[misc]
    assert pixels == 7060 * 7060 and 40_000_000 < limit < 7060 * 7060
    assert outcome["grown_mb"] < LIMIT_MB


def test_a_jpeg_in_several_scans_is_known_before_it_is_decoded() -> None:
    def headers(frame: int, scanned: int) -> bytes:
        sof = bytes([8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
        sos = bytes([scanned]) + bytes(2 * scanned) + bytes([0, 63, 0])
        return (
            b"\xff\xd8"
            + b"\xff\xe1\x00\x04ab"  # an APP1 segment, skipped by its length
            + bytes([0xFF, frame]) + (len(sof) + 2).to_bytes(2, "big") + sof
            + b"\xff\xda" + (len(sos) + 2).to_bytes(2, "big") + sos
        )  # fmt: skip

    baseline = _jpeg_layout(headers(0xC0, 3))
    assert baseline is not None and not baseline.buffered
    assert baseline.sampling == ((2, 2), (1, 1), (1, 1))
    one_component_a_scan = _jpeg_layout(headers(0xC0, 1))
    assert one_component_a_scan is not None and one_component_a_scan.buffered
    progressive = _jpeg_layout(headers(0xC2, 3))
    assert progressive is not None and progressive.buffered
    lossless = _jpeg_layout(headers(0xC3, 3))
    assert lossless is not None and not lossless.scalable
    assert _jpeg_layout(b"\xff\xd8\xff\xda") is None  # a scan before any frame


def test_a_picture_too_large_says_how_large() -> None:
    out = io.BytesIO()
    Image.new("L", (4001, 4001)).save(out, "PNG")  # 16.008 MP, a little over
    with pytest.raises(TooLarge) as refused:
        clean_image(out.getvalue())
    assert (refused.value.pixels, refused.value.limit) == (4001 * 4001, MAX_PIXELS)


def test_a_transparent_palette_picture_keeps_its_transparency() -> None:
    out = io.BytesIO()
    Image.new("P", (8, 8), 3).save(out, "GIF", transparency=3)
    cleaned, extension, _ = clean_image(out.getvalue())
    assert extension == "png"
    assert Image.open(io.BytesIO(cleaned)).convert("RGBA").getpixel((0, 0))[3] == 0
    for_channel, _, _ = clean_image(out.getvalue(), max_side=100)
    assert Image.open(io.BytesIO(for_channel)).getpixel((0, 0)) == (255, 255, 255)  # on white


def test_a_webp_becomes_a_clean_png_and_a_large_one_is_refused() -> None:
    # libwebp takes about 20 bytes a pixel to decode and as much to encode: a WebP is written
    # again as a PNG, and has a lower limit.
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 20, 30)).save(out, "WEBP", exif=gps_exif().tobytes())
    cleaned, extension, mime = clean_image(out.getvalue())
    assert (extension, mime, assert_clean(cleaned).format) == ("png", "image/png", "PNG")
    large = io.BytesIO()
    Image.new("RGB", (2500, 2500)).save(large, "WEBP")  # 6.25 MP
    with pytest.raises(TooLarge) as refused:
        clean_image(large.getvalue())
    assert 6_000_000 < refused.value.limit < 6_250_000


def test_a_postscript_file_is_refused_without_running_ghostscript(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import EpsImagePlugin

    ran: list[object] = []

    def ghostscript(*arguments: object, **options: object) -> None:
        ran.append(arguments)
        raise OSError("Ghostscript would have run")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    monkeypatch.setattr(EpsImagePlugin, "has_ghostscript", lambda: True)
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n0 0 moveto showpage\n%%EOF\n"
    with pytest.raises(CannotClean):
        clean_image(eps)
    assert ran == []
