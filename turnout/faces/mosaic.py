"""Faces covered past recovery: each becomes a coarse mosaic of ``CELLS`` cells across, each cell
the mean of the pixels under it. No pixel of the face is left, unlike a light blur, which can be
undone in part; and with so few cells the mosaic no longer looks like a face (the detector
finds none in it: tests/unit/test_faces.py).

The detector's boxes are tight, brow to chin: the mosaic reaches past them, more upwards (hair,
forehead) than sideways or down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image

from turnout.faces.detect import Face

CELLS = 6
"""Cells across a face and its margin. More, and a mosaic starts to look like a face again."""
SIDEWAYS, UPWARDS, DOWNWARDS = 0.3, 0.5, 0.3
"""The margin around a box, as shares of its width (sideways) and height."""


def pixelate(image: Image.Image, faces: Sequence[Face]) -> None:
    """Cover each face of ``image`` (in place) with a mosaic. Palette pictures must be
    converted first (their indexes cannot be averaged)."""
    if image.mode in ("P", "PA", "1"):
        raise ValueError(f"convert a {image.mode} picture before covering faces")
    for box in (region(face, image.size) for face in faces):
        left, top, right, bottom = box
        if right <= left or bottom <= top:
            continue
        piece = image.crop(box)
        cell = max(1, math.ceil(max(piece.size) / CELLS))
        cells = (max(1, math.ceil(piece.width / cell)), max(1, math.ceil(piece.height / cell)))
        means = piece.resize(cells, Image.Resampling.BOX)  # each cell, the mean under it
        image.paste(means.resize(piece.size, Image.Resampling.NEAREST), box[:2])


def region(face: Face, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The part of a picture of ``size`` a face's mosaic covers: its box and margin, within
    the picture."""
    width, height = size
    return (
        max(0, math.floor(face.x1 - SIDEWAYS * face.width)),
        max(0, math.floor(face.y1 - UPWARDS * face.height)),
        min(width, math.ceil(face.x2 + SIDEWAYS * face.width)),
        min(height, math.ceil(face.y2 + DOWNWARDS * face.height)),
    )
