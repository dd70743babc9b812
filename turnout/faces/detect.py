"""Where the faces in a picture are: boxes, from CenterFace (``model``).

The detector runs at whatever size it is given, and its cost grows with the pixels; it finds
faces from about 20 pixels wide. A picture is looked at twice (README, "Faces"):

- whole, shrunk to ``WHOLE`` pixels on its long side, for the large faces (a close-up);
- in tiles of ``TILE`` pixels that overlap by ``OVERLAP``, at up to ``DETAIL`` pixels on its long
  side (a 12 MP photo is shrunk to it), for the small ones in a crowd. Tiles bound the
  detector's memory: a 12 MP picture in one piece takes it above 1.5 GB.

Boxes found twice (in both looks, or in two tiles' overlap) are kept once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from turnout.faces import model
from turnout.faces.errors import FaceError

THRESHOLD = 0.4
"""The least confidence a face is taken at. Measured on the README's test set: from 0.4 up,
no picture without faces had one found; at 0.2 a few appeared."""
WHOLE = 1024
DETAIL = 2560
TILE = 640
OVERLAP = 96
"""Pixels tiles share: a face up to this wide lies whole in one of them."""
SAME = 0.5
"""Two boxes are one face when their overlap covers this share of the smaller one (a face cut
by a tile's edge is found in part in one tile, and whole in the next)."""
_STRIDE = 4  # the outputs' cells, in input pixels
_MULTIPLE = 32  # the network's input sides are multiples of this


@dataclass(frozen=True, slots=True)
class Face:
    """A face's box in the picture's pixels, and how sure the detector is (0 to 1)."""

    x1: float
    y1: float
    x2: float
    y2: float
    score: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1


@functools.cache
def _session() -> Any:
    """The detector, loaded once per process (``pool`` loads it when its worker starts)."""
    return model.load()


def warm() -> None:
    """Load the detector now (a worker process's first job should not wait for it)."""
    _session()


def find_faces(
    image: Image.Image, *, threshold: float | None = None, largest: int = DETAIL
) -> list[Face]:
    """The faces in ``image`` (any mode, upright), most confident first, in its pixels.
    ``largest``: the long side the picture is looked at, at most (a video's frames are looked
    at once, whole, at 960 pixels).

    Raises ModelMissing when the detector cannot be loaded, FaceError when it fails."""
    wanted = THRESHOLD if threshold is None else threshold
    width, height = image.size
    if not width or not height:
        return []
    found: list[Face] = []
    long_side = max(width, height)
    looks = [min(long_side, WHOLE, largest)]
    if long_side > WHOLE and largest > WHOLE:
        looks.append(min(long_side, largest))
    for side in looks:
        scale = side / long_side
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        pixels = np.asarray(_rgb(image, size), dtype=np.uint8)
        tiled = side > WHOLE
        for left, top, tile in _tiles(pixels) if tiled else [(0, 0, pixels)]:
            for face in _detect(tile, wanted):
                found.append(
                    Face(
                        (face.x1 + left) / scale,
                        (face.y1 + top) / scale,
                        (face.x2 + left) / scale,
                        (face.y2 + top) / scale,
                        face.score,
                    )
                )
    return _once(found)


def _rgb(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The picture at ``size``, in RGB: shrunk first, so that a large picture is never copied
    whole (only a palette, which cannot be scaled smoothly, is converted first)."""
    if image.mode in ("P", "PA", "1"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if size != image.size:
        image = image.resize(size, Image.Resampling.BILINEAR)
    return image if image.mode == "RGB" else image.convert("RGB")


def distinct(faces: Sequence[Face]) -> list[Face]:
    """Each face once, of boxes found in several looks (``SAME``)."""
    return _once(faces)


def _tiles(pixels: NDArray[np.uint8]) -> list[tuple[int, int, NDArray[np.uint8]]]:
    """Tiles of ``TILE`` pixels (fewer at an edge) overlapping by ``OVERLAP``: (left, top,
    pixels); views, not copies."""
    height, width = pixels.shape[:2]
    return [
        (left, top, pixels[top : top + TILE, left : left + TILE])
        for top in _starts(height)
        for left in _starts(width)
    ]


def _starts(length: int) -> list[int]:
    if length <= TILE:
        return [0]
    starts = list(range(0, length - TILE + 1, TILE - OVERLAP))
    if starts[-1] + TILE < length:
        starts.append(length - TILE)  # the last tile ends at the edge
    return starts


def _detect(pixels: NDArray[np.uint8], threshold: float) -> list[Face]:
    """The faces in one piece of picture (height by width by RGB), in its pixels."""
    height, width = pixels.shape[:2]
    padded = np.pad(pixels, ((0, -height % _MULTIPLE), (0, -width % _MULTIPLE), (0, 0)))
    # The network takes RGB values from 0 to 255 as they are: no mean, no scale.
    batch = np.ascontiguousarray(padded.transpose(2, 0, 1)[None], dtype=np.float32)
    try:
        heat, scales, offsets = _session().run(
            [model.HEATMAP, model.SCALES, model.OFFSETS], {model.INPUT: batch}
        )
    except FaceError:
        raise
    except Exception as error:  # onnxruntime's exceptions have no common base to name
        raise FaceError(f"the detector failed: {error}") from error
    rows, columns = np.nonzero(heat[0, 0] > threshold)
    if not len(rows):
        return []
    tall = np.exp(scales[0, 0, rows, columns]) * _STRIDE
    wide = np.exp(scales[0, 1, rows, columns]) * _STRIDE
    x1 = np.maximum(0, (columns + offsets[0, 1, rows, columns] + 0.5) * _STRIDE - wide / 2)
    y1 = np.maximum(0, (rows + offsets[0, 0, rows, columns] + 0.5) * _STRIDE - tall / 2)
    x2 = np.minimum(x1 + wide, width)
    y2 = np.minimum(y1 + tall, height)
    scores = heat[0, 0, rows, columns]
    return [
        Face(float(a), float(b), float(c), float(d), float(e))
        for a, b, c, d, e in zip(x1, y1, x2, y2, scores, strict=True)
    ]


def _once(faces: Sequence[Face]) -> list[Face]:
    """Each face once: of boxes that are the same face (``SAME``), the most confident."""
    kept: list[Face] = []
    for face in sorted(faces, key=lambda f: -f.score):
        if all(_shared(face, other) < SAME for other in kept):
            kept.append(face)
    return kept


def _shared(a: Face, b: Face) -> float:
    """How much of the smaller box the two boxes' overlap covers (0 to 1)."""
    across = min(a.x2, b.x2) - max(a.x1, b.x1)
    down = min(a.y2, b.y2) - max(a.y1, b.y1)
    if across <= 0 or down <= 0:
        return 0.0
    smaller = min(a.width * a.height, b.width * b.height)
    return across * down / smaller if smaller > 0 else 1.0
