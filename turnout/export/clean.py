"""Files without what they say about their author: EXIF (GPS, camera, time), XMP, IPTC, ICC
and text chunks are dropped by re-building the image from its pixels alone (DESIGN.md §2.5).

Photos Telegram compressed have lost their metadata already; a photo sent *as a file* keeps all
of it, including where it was taken. Formats Pillow cannot read here (HEIC without a plugin,
videos) are refused, never passed through.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from turnout.export.errors import CannotClean

# Formats kept as they are; everything else readable becomes PNG (lossless).
_KEPT = {"JPEG": ("JPEG", "jpg", "image/jpeg"), "PNG": ("PNG", "png", "image/png"),
         "WEBP": ("WEBP", "webp", "image/webp")}  # fmt: skip
_LOSSLESS = ("PNG", "png", "image/png")
# A decompression bomb is refused rather than decoded (about 100 megapixels).
MAX_PIXELS = 100_000_000


def clean_image(data: bytes) -> tuple[bytes, str, str]:
    """The image without any metadata, upright: (bytes, file extension, MIME type).

    Raises CannotClean when the bytes are not an image Pillow can decode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise CannotClean(f"image too large: {image.width}x{image.height}")
                source_format = image.format or ""
                # The orientation is metadata too: apply it to the pixels before dropping it.
                upright = ImageOps.exif_transpose(image)
                pixels = upright.convert(_mode_for(upright.mode))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:  # fmt: skip
        raise CannotClean(str(error) or type(error).__name__) from error
    # A new image from the pixels alone: nothing of the original's ``info`` comes along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    if pixels.mode == "P":
        palette = pixels.getpalette()
        if palette is not None:
            clean.putpalette(palette)
    name, extension, mime = _KEPT.get(source_format, _LOSSLESS)
    if name == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 92} if name in ("JPEG", "WEBP") else {}
    clean.save(out, name, **options)
    return out.getvalue(), extension, mime


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
