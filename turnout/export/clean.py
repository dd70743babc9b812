"""Files without what they say about their author: EXIF (GPS, camera, time), XMP, IPTC, ICC
and text chunks are dropped by re-building the image from its pixels alone (README, "What the
bot stores").

Photos Telegram compressed have lost their metadata already; a photo sent *as a file* keeps all
of it, including where it was taken. Formats Pillow cannot read here (HEIC without a plugin,
videos) are refused, never passed through.
"""

from __future__ import annotations

import io
import threading
import warnings

from PIL import Image, ImageOps

from turnout.export.errors import CannotClean

# Formats kept as they are; everything else readable becomes PNG (lossless). MPO is how Pillow
# reads the JPEGs of phones that add a second image (a depth or gain map): a JPEG again.
_JPEG = ("JPEG", "jpg", "image/jpeg")
_KEPT = {"JPEG": _JPEG, "MPO": _JPEG, "PNG": ("PNG", "png", "image/png"),
         "WEBP": ("WEBP", "webp", "image/webp")}  # fmt: skip
_LOSSLESS = ("PNG", "png", "image/png")
# A decompression bomb is refused rather than decoded: 50 megapixels is more than phones take
# (48 MP sensors), and about 200 MB of pixels at most.
MAX_PIXELS = 50_000_000
# One picture at a time, whoever asks (an export, a publication): a decoded picture takes a few
# times its pixel count in memory, and the server is small.
_ONE_AT_A_TIME = threading.Lock()


def clean_image(data: bytes, *, max_side: int | None = None) -> tuple[bytes, str, str]:
    """The image without any metadata, upright: (bytes, file extension, MIME type).
    ``max_side``: scale down to fit, and always a JPEG (for Telegram's photo limits).

    Raises CannotClean when the bytes are not an image Pillow can decode. Blocking: call it in
    a worker thread."""
    with _ONE_AT_A_TIME:
        try:
            return _clean(data, max_side)
        except CannotClean:
            raise
        except Exception as error:
            raise CannotClean(f"{type(error).__name__}: {error}") from error


def _clean(data: bytes, max_side: int | None) -> tuple[bytes, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise CannotClean(f"image too large: {image.width}x{image.height}")
            source_format = image.format or ""
            # The orientation is metadata too: apply it to the pixels before dropping it.
            pixels = ImageOps.exif_transpose(image)
    mode = _mode_for(pixels.mode)
    if mode != pixels.mode:
        pixels = pixels.convert(mode)
    if max_side is not None and max(pixels.size) > max_side:
        pixels.thumbnail((max_side, max_side))
    # A new image from the pixels alone: nothing of the original's ``info`` comes along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    if pixels.mode == "P":
        palette = pixels.getpalette()
        if palette is not None:
            clean.putpalette(palette)
    del pixels
    name, extension, mime = _JPEG if max_side is not None else _KEPT.get(source_format, _LOSSLESS)
    if name == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = _on_white(clean)
    out = io.BytesIO()
    options = {"quality": 90} if name in ("JPEG", "WEBP") else {}
    clean.save(out, name, **options)
    return out.getvalue(), extension, mime


def _on_white(image: Image.Image) -> Image.Image:
    """Transparency flattened onto white (a JPEG has none)."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


# What phones and cameras write into a video to say where it was filmed: QuickTime's location
# atoms, Apple's metadata key, and XMP's GPS fields.
_VIDEO_PLACE_MARKERS = (b"\xa9xyz", b"loci", b"com.apple.quicktime.location", b"GPSLatitude",
                        b"GPSCoordinates")  # fmt: skip


def video_has_location(data: bytes) -> bool:
    """Whether a video file says where it was filmed (then it is not published or exported:
    there is no video tool here to remove it)."""
    return any(marker in data for marker in _VIDEO_PLACE_MARKERS)


def _mode_for(mode: str) -> str:
    """A mode every output format can write; exotic ones (CMYK, 16-bit) become RGB(A)."""
    if mode in ("RGB", "RGBA", "L", "LA", "P"):
        return mode
    return "RGBA" if "A" in mode else "RGB"


def is_image(mime: str | None, file_name: str | None = None) -> bool:
    """Whether a document looks like a picture (by MIME type, else by name)."""
    if mime:
        return mime.startswith("image/")
    lowered = (file_name or "").lower()
    return lowered.endswith(
        (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".tif", ".tiff", ".gif", ".bmp")
    )
