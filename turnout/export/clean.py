"""Pictures without what they say about their author: EXIF (GPS, camera, time), XMP, IPTC, ICC
and text chunks are dropped by saving the pixels alone (README, "What the bot stores").

Photos Telegram compressed have lost their metadata already; a photo sent *as a file* keeps all
of it, including where it was taken. Formats Pillow cannot read here (HEIC without a plugin,
videos) are refused, never passed through.

A picture can be small on disk and huge decoded: a 200 KB PNG of 50 megapixels is 200 MB of
pixels. What a picture will take is worked out from its headers before anything is decoded. A
JPEG larger than the limit, or scaled down for a channel anyway, is decoded at 1/2, 1/4 or 1/8
of its size (libjpeg scales while it decodes: the full size never exists in memory). Other
formats cannot be decoded smaller, so above the limit they are refused, with the reason the
organiser reads (``TooLarge``).
"""

from __future__ import annotations

import io
import re
import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from PIL import ExifTags, Image

from turnout.export.errors import CannotClean, ExportError, TooLarge

# Formats kept as they are; everything else readable becomes PNG (lossless). MPO is how Pillow
# reads the JPEGs of phones that add a second image (a depth or gain map): a JPEG again. A WebP
# becomes a PNG too: libwebp's encoder takes about 20 bytes a pixel (180 MB for 9 MP).
_JPEG = ("JPEG", "jpg", "image/jpeg")
_KEPT = {"JPEG": _JPEG, "MPO": _JPEG, "PNG": ("PNG", "png", "image/png")}
_LOSSLESS = ("PNG", "png", "image/png")

BUDGET = 128_000_000
"""Bytes cleaning one picture may hold at once, worked out before anything is decoded: under
the 150 MB a picture may take above the process's baseline, with room for the encoder and the
file's own bytes."""
_HELD = 8
"""Bytes a pixel takes while a picture is cleaned: Pillow keeps a colour pixel in 4, and
cleaning holds at most two copies at once (the decoded picture and the one turned upright,
converted or scaled from it)."""
_HELD_BY_FORMAT = {"WEBP": 21}  # libwebp's decoder keeps its canvases: about 13 more
MAX_PIXELS = BUDGET // _HELD
"""The most pixels a picture is decoded to: 16 megapixels, more than phones' usual pictures
(12 MP). A JPEG above it is decoded at a half or less (a 48 MP one at 12 MP); another picture
above it (above 6 MP for a WebP) is refused."""
_DECODED = 4  # bytes a pixel takes decoded
_SCALES = (1, 2, 4, 8)  # what libjpeg can decode a JPEG to: 1/1 … 1/8

# One picture at a time, whoever asks (an export, a publication): the budget is for one.
_ONE_AT_A_TIME = threading.Lock()

# EXIF orientation → the turn that makes the pixels upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


Edit = Callable[[Image.Image], Image.Image]
"""A change to a picture's pixels once it is upright and before it is saved (faces covered:
``export.blurring``); it returns the picture, the same or a converted copy."""


def clean_image(
    data: bytes, *, max_side: int | None = None, edit: Edit | None = None
) -> tuple[bytes, str, str]:
    """The image without any metadata, upright: (bytes, file extension, MIME type).
    ``max_side``: scale down to fit, and always a JPEG (for Telegram's photo limits).
    ``edit``: applied to the upright pixels before they are saved.

    Raises TooLarge when it would take too much memory to decode, CannotClean when the bytes
    are not an image Pillow can decode. Blocking: call it in a worker thread."""
    with _ONE_AT_A_TIME:
        try:
            return _clean(data, max_side, edit)
        except ExportError:  # ours, or the edit's
            raise
        except Image.DecompressionBombError as error:
            # Pillow's own limit (179 MP) refuses before the size can be seen here.
            found = re.search(r"\((\d+) pixels\)", str(error))
            if found is None:
                raise CannotClean(str(error)) from error
            if data.startswith(b"\xff\xd8"):
                cost = _Cost(_HELD, _jpeg_layout(data))
            else:
                cost = _Cost(_HELD_BY_FORMAT["WEBP"] if data[8:12] == b"WEBP" else _HELD)
            raise TooLarge(int(found[1]), cost.largest()) from error
        except Exception as error:
            raise CannotClean(f"{type(error).__name__}: {error}") from error


#: The formats members' pictures come in; nothing else is even identified. Pillow would
#: otherwise open any format it knows, EPS among them, which it renders by running Ghostscript
#: on the member's file when Ghostscript is installed.
#: (A phone's MPO is opened by the JPEG reader, which names it MPO.)
READABLE = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")


def _clean(data: bytes, max_side: int | None, edit: Edit | None) -> tuple[bytes, str, str]:
    with warnings.catch_warnings():
        # Pillow warns from 89 MP on; the limit here is lower, and says why.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        Image.init()  # every reader registered, or naming WEBP below would be a KeyError
        image: Image.Image = Image.open(io.BytesIO(data), formats=READABLE)
        source_format = image.format or ""
        _decode_within_budget(image, data, max_side)
        image.load()
    # The orientation is metadata too: applied to the pixels before everything else is dropped.
    # (Read only now: a PNG's may come after its pixels.)
    turn = _UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    # From here on, each step may make a new copy; the one before it is let go at once.
    if max_side is not None:
        # For a channel, a JPEG: first the colours a JPEG holds (scaling a picture with
        # transparency would make a premultiplied copy of it), then the size.
        if image.mode == "PA" or (image.mode == "P" and "transparency" in image.info):
            image = image.convert("RGBA")
        image = _in_jpeg_colours(image)
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side))
    elif (mode := _mode_for(image.mode)) != image.mode:
        image = image.convert(mode)
    if turn is not None:
        image = image.transpose(turn)
    if edit is not None:
        image = edit(image)
    # Saving writes what ``info`` holds (ICC profile, text, XMP, EXIF, comment) unless told
    # otherwise: without it, only the pixels (and a palette's colours, and which of them is
    # transparent) are written. This replaces a copy into a new image, which doubled the
    # memory a picture takes.
    transparent = image.info.get("transparency")
    image.info = {} if transparent is None else {"transparency": transparent}
    name, extension, mime = _JPEG if max_side is not None else _KEPT.get(source_format, _LOSSLESS)
    if name == "JPEG":
        image = _in_jpeg_colours(image)
    options = {"quality": 90} if name == "JPEG" else {}
    # Written to a file, then read once the pixels are let go: never the picture and a growing
    # copy of what it is written to (a PNG can be as large as its pixels) at the same time.
    with tempfile.TemporaryFile() as out:
        image.save(out, name, **options)
        del image
        out.seek(0)
        return out.read(), extension, mime


def _decode_within_budget(image: Image.Image, data: bytes, max_side: int | None) -> None:
    """Set a JPEG to decode as small as is enough (no smaller than it will be sent, when
    ``max_side`` is given) and within the budget; raise TooLarge for any picture that would
    not fit in it even so."""
    width, height = image.size
    cost = _Cost(_HELD_BY_FORMAT.get(image.format or "", _HELD))
    if image.format in ("JPEG", "MPO"):
        layout = _jpeg_layout(data)
        if layout is None:
            # Its cost could not be worked out: better refused than guessed.
            raise CannotClean("JPEG markers not understood")
        cost = _Cost(_HELD, layout, layout.coefficient_bytes(width, height))
        if layout.scalable:
            first = 1
            if max_side is not None:
                first = max(s for s in _SCALES if max(width, height) >= s * max_side or s == 1)
            for scale in (s for s in _SCALES if s >= first):
                if cost.fits(-(-width // scale) * -(-height // scale)):
                    if scale > 1:
                        image.draft(None, (max(1, width // scale), max(1, height // scale)))
                    break
    # Checked on the size decoding will really give (a draft can do less than asked).
    if not cost.fits(image.width * image.height):
        raise TooLarge(width * height, cost.largest())


@dataclass(frozen=True, slots=True)
class _Cost:
    """What decoding and cleaning a picture holds at once."""

    per_pixel: int
    """Bytes a decoded pixel takes at the worst moment of cleaning."""
    jpeg: _JpegLayout | None = None
    coefficients: int = 0
    """Bytes libjpeg keeps while decoding, whatever the scale (a JPEG in several scans)."""

    def fits(self, decoded: int) -> bool:
        """Whether cleaning the picture decoded to ``decoded`` pixels fits in the budget."""
        return (
            decoded * self.per_pixel <= BUDGET and self.coefficients + decoded * _DECODED <= BUDGET
        )

    def largest(self) -> int:
        """About the most pixels a picture like this one may have (for the organiser)."""
        if self.jpeg is None:
            return BUDGET // self.per_pixel
        largest = self.jpeg.largest()
        if Image.MAX_IMAGE_PIXELS:  # Pillow refuses above twice its own limit
            largest = min(largest, 2 * Image.MAX_IMAGE_PIXELS)
        return largest


@dataclass(frozen=True, slots=True)
class _JpegLayout:
    """What a JPEG's headers say about decoding its first image."""

    scalable: bool
    """DCT-based (not lossless, not hierarchical): libjpeg decodes it at 1/2, 1/4 or 1/8."""
    sampling: tuple[tuple[int, int], ...]
    """Each component's (horizontal, vertical) sampling factors."""
    buffered: bool
    """In several scans (progressive, or one component a scan): libjpeg keeps every
    coefficient of the whole picture until the last scan."""

    def coefficient_bytes(self, width: int, height: int) -> int:
        if not self.buffered:
            return 0
        wide = max(h for h, _ in self.sampling)
        tall = max(v for _, v in self.sampling)
        # Whole blocks of 8 by 8 coefficients of 2 bytes, in whole MCUs, for each component.
        across, down = -(-width // (8 * wide)), -(-height // (8 * tall))
        return sum(across * h * down * v for h, v in self.sampling) * 64 * 2

    def largest(self) -> int:
        """About the most pixels a JPEG laid out like this one may have and fit."""
        smallest = _SCALES[-1] if self.scalable else 1
        coefficients = self.coefficient_bytes(1024, 1024) / 1024**2  # a pixel
        by_decoding = BUDGET / (coefficients + _DECODED / smallest**2)
        return int(min(by_decoding, MAX_PIXELS * smallest**2))


# Start of frame: the DCT-based ones libjpeg can scale, and which of them are progressive.
_SCALABLE = {0xC0, 0xC1, 0xC2, 0xC9, 0xCA}
_PROGRESSIVE = {0xC2, 0xC6, 0xCA, 0xCE}
_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # C4, CC: tables; C8: reserved
_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # no length follows these markers


def _jpeg_layout(data: bytes) -> _JpegLayout | None:
    """The layout of a JPEG's first image, read from its markers up to the first scan (the
    segments before it, embedded thumbnails included, are skipped by their length); None when
    they do not make sense."""
    position = 2
    frame: tuple[int, tuple[tuple[int, int], ...]] | None = None
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            # Junk between segments, which libjpeg skips too.
            position = data.find(b"\xff", position)
            if position < 0:
                return None
            continue
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1  # fill byte
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position + 4 : position + 2 + length]
        if marker in _FRAMES and len(segment) >= 6:
            count = segment[5]
            factors = segment[7 : 6 + 3 * count : 3]
            if len(factors) != count or not count:
                return None
            frame = (marker, tuple((f >> 4 or 1, f & 15 or 1) for f in factors))
        elif marker == 0xDA:  # start of scan: the frame is known by now
            if frame is None or not segment:
                return None
            kind, sampling = frame
            every_component = segment[0] >= len(sampling)
            return _JpegLayout(
                scalable=kind in _SCALABLE,
                sampling=sampling,
                buffered=kind in _PROGRESSIVE or not every_component,
            )
        position += 2 + length
    return None


def _in_jpeg_colours(image: Image.Image) -> Image.Image:
    """The picture in colours a JPEG can hold: transparency flattened onto white."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode not in ("RGBA", "LA"):
        return image.convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image)  # its alpha, without a copy of it
    return background


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
