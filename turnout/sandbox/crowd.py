"""Pictures and a video with faces in them, made offline and always the same: the face
detector's test set (``benchmarks/faces.py``, the tests) and the sandbox's demo report.

The faces come from two sample images bundled in scikit-image's wheel, so nothing is
downloaded: ``skimage.data.astronaut()``, a frontal face (Eileen Collins, from NASA's Great
Images database: NASA imagery, public domain in the United States), and ``skimage.data.camera()``,
a three-quarter profile behind a film camera (CC0, by its photographer, Lav Varshney). Each face
is cut out with 0.6 of its width of context around it (hair, neck, collar), scaled, turned and
pasted through a soft oval mask onto a mosaic of other bundled samples that show no human face
(coffee, a rocket, a cat, galaxies, a motorcycle, coins, grass, gravel, brick, tissue, a
retina, a horse's silhouette).

scikit-image is optional (the ``test`` and ``demo`` extras): it is imported when a picture is
first made, and :func:`available` says whether it can be.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PIL import Image, ImageDraw, ImageFilter, ImageOps

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

FRONTAL = "frontal"
PROFILE = "profile"
#: Test pictures are this big: 12 megapixels, as a phone takes them.
WIDTH, HEIGHT = 4000, 3000
#: The widths of the test set's faces, in pixels.
FACE_WIDTHS = (40, 80, 160)
#: How the test set's faces are turned, in degrees (counter-clockwise).
ANGLES = (-20, 0, 20)
CROWDS_PER_WIDTH = 4
FACES_PER_CROWD = 12
EMPTY_PICTURES = 6
#: Context kept around a face, as a share of its width.
CONTEXT = 0.6
#: Least room between two pasted faces (their context included), in pixels.
GAP = 8

# Each face's box in its 512x512 sample, brow to chin (checked by eye).
_FACE_BOXES = {FRONTAL: (182, 58, 270, 178), PROFILE: (202, 119, 258, 197)}
_BACKGROUNDS = (
    "coffee",
    "rocket",
    "chelsea",
    "hubble_deep_field",
    "stereo_motorcycle",
    "coins",
    "grass",
    "gravel",
    "brick",
    "immunohistochemistry",
    "retina",
    "horse",
)
# A street, more or less: sky and rockets above, walls and a motorcycle, the ground below.
_STREET = (
    ("rocket", "hubble_deep_field", "rocket", "brick"),
    ("brick", "stereo_motorcycle", "coffee", "brick"),
    ("gravel", "grass", "gravel", "gravel"),
)


def available() -> bool:
    """Whether scikit-image, which holds the sample images, is installed."""
    return importlib.util.find_spec("skimage") is not None


# ---------------------------------------------------------------------------------------------
# What a picture holds


class Boxed(Protocol):
    """Anything with a box in pixels: a :class:`Box`, or a face a detector found."""

    @property
    def x1(self) -> float: ...
    @property
    def y1(self) -> float: ...
    @property
    def x2(self) -> float: ...
    @property
    def y2(self) -> float: ...


@dataclass(frozen=True)
class Box:
    """A face's place in a picture, in pixels: (x1, y1) its top left, (x2, y2) its bottom right."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class PlacedFace(Box):
    """A face pasted into a picture, and how: its box is the face itself (brow to chin, ear to
    ear) as it was before it was turned, centred where the face ended up."""

    size: int
    """The face's width in pixels."""
    angle: int
    """How far it is turned, in degrees, counter-clockwise."""
    source: str
    """Whose face: ``"frontal"`` (the astronaut) or ``"profile"`` (the cameraman)."""


@dataclass(frozen=True)
class _Paste:
    source: str
    size: int
    angle: int
    x: int
    y: int


@dataclass(frozen=True)
class Sample:
    """One test picture: its faces, and the recipe to make it."""

    name: str
    faces: tuple[PlacedFace, ...]
    size: int
    """The width of its faces in pixels; 0 for a picture without any."""
    seed: int = field(repr=False)
    layout: tuple[_Paste, ...] = field(repr=False, default=())

    @property
    def image(self) -> Image.Image:
        """The picture (RGB, 4000x3000). Made again at every call, in a fraction of a second:
        it takes 48 MB, so a whole test set is never held at once."""
        return _render(_mosaic(self.seed, WIDTH, HEIGHT), self.layout)

    def jpeg(self, quality: int = 90) -> bytes:
        """The picture as a JPEG, as a phone would send it."""
        return _jpeg(self.image, quality)


def matches(found: Boxed, truth: Boxed) -> bool:
    """Whether a box a detector found is the face ``truth``: they overlap by at least 30% of
    their union, or each holds the other's centre (a detector's box of a turned face is often
    bigger or smaller than the face's own)."""
    width = min(found.x2, truth.x2) - max(found.x1, truth.x1)
    height = min(found.y2, truth.y2) - max(found.y1, truth.y1)
    common = max(0.0, width) * max(0.0, height)
    union = _area(found) + _area(truth) - common
    if union > 0 and common / union >= 0.3:
        return True
    return _holds(found, _centre(truth)) and _holds(truth, _centre(found))


def _area(box: Boxed) -> float:
    return max(0.0, box.x2 - box.x1) * max(0.0, box.y2 - box.y1)


def _centre(box: Boxed) -> tuple[float, float]:
    return (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2


def _holds(box: Boxed, point: tuple[float, float]) -> bool:
    return box.x1 <= point[0] <= box.x2 and box.y1 <= point[1] <= box.y2


# ---------------------------------------------------------------------------------------------
# The test set, the demo photos, the video


def test_set() -> list[Sample]:
    """The detector's test set: 12 crowds (4 for each face width of 40, 80 and 160 px) of 12
    faces each, half frontal and half profile, turned by -20, 0 and +20 degrees, never
    overlapping; then 6 pictures without a face. Pictures are made when asked for
    (:attr:`Sample.image`); the faces' places are known at once."""
    return list(_test_set())


# Its name is a test's to pytest: a test module that imports it must not run it as one.
test_set.__test__ = False  # type: ignore[attr-defined]


@functools.cache
def _test_set() -> tuple[Sample, ...]:
    samples = []
    seed = 0
    for size in FACE_WIDTHS:
        for number in range(CROWDS_PER_WIDTH):
            wanted = [
                ((FRONTAL, PROFILE)[index % 2], size, ANGLES[index // 2 % len(ANGLES)])
                for index in range(FACES_PER_CROWD)
            ]
            samples.append(_sample(f"crowd{size}-{number + 1}", size, seed, wanted))
            seed += 1
    for number in range(EMPTY_PICTURES):
        samples.append(_sample(f"empty-{number + 1}", 0, seed, []))
        seed += 1
    return tuple(samples)


def _sample(name: str, size: int, seed: int, wanted: list[tuple[str, int, int]]) -> Sample:
    layout, faces = _place(wanted, WIDTH, HEIGHT, seed)
    return Sample(name=name, faces=faces, size=size, seed=seed, layout=layout)


#: The demo photo's faces: whose, how wide, how turned.
_DEMO_FACES = (
    (FRONTAL, 200, 0),
    (PROFILE, 150, 0),
    (FRONTAL, 110, 10),
    (PROFILE, 120, -10),
    (FRONTAL, 90, 0),
)
_DEMO_SIZE = (1600, 1200)


def demo_photo() -> bytes:
    """A JPEG of 1600x1200: a street-like mosaic with five faces 90 to 200 px wide, clearly
    visible (for the sandbox's demo report)."""
    return _demo_photo(faces=True)


def no_face_photo() -> bytes:
    """The same street as :func:`demo_photo`, without anyone in it."""
    return _demo_photo(faces=False)


@functools.cache
def _demo_photo(*, faces: bool) -> bytes:
    width, height = _DEMO_SIZE
    layout, _ = _place(list(_DEMO_FACES) if faces else [], width, height, seed=2100)
    return _jpeg(_render(_street(width, height), layout), 88)


@dataclass(frozen=True)
class Clip:
    """A video and where its faces are, frame by frame."""

    data: bytes
    """An MP4: H.264 video, with an AAC sine tone when asked for."""
    boxes: list[list[PlacedFace]]
    fps: int
    size: tuple[int, int]


def crowd_video(
    seconds: float = 2.0, size: tuple[int, int] = (1920, 1080), fps: int = 30, audio: bool = True
) -> Clip:
    """An MP4 with two faces crossing a street the opposite ways: a frontal one about 80 px wide
    and a turned profile about 120 px wide (at 1080 lines; scaled down with smaller frames),
    with a 440 Hz tone when ``audio``. Made with imageio-ffmpeg's ffmpeg, as the bot's own."""
    import imageio_ffmpeg

    width, height = size
    scale = min(1.0, height / 1080)
    walkers = [(FRONTAL, max(8, round(80 * scale)), 0), (PROFILE, max(8, round(120 * scale)), 10)]
    patches = [_patch(*walker) for walker in walkers]
    if any(p.image.width * 2 > width or p.image.height * 2 > height for p in patches):
        raise ValueError(f"frames of {width}x{height} are too small for two faces")
    frames = max(1, round(seconds * fps))
    background = _street(width, height)
    # The frontal face walks right along the upper half, the profile left along the lower.
    half = height // 2
    tall = [patch.image.height for patch in patches]
    lanes = [((half - tall[0]) // 2, 1), (half + (half - tall[1]) // 2, -1)]
    boxes = []
    with tempfile.TemporaryDirectory(prefix="turnout-crowd-") as folder:
        target, errors = Path(folder) / "crowd.mp4", Path(folder) / "ffmpeg.log"
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error"]
        command += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}"]
        command += ["-r", str(fps), "-i", "-"]
        if audio:
            tone = f"sine=frequency=440:sample_rate=44100:duration={frames / fps}"
            command += ["-f", "lavfi", "-i", tone, "-c:a", "aac"]
        command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
        command += ["-movflags", "+faststart", "-shortest", str(target)]
        with errors.open("wb") as log:
            encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=log)  # noqa: S603
            assert encoder.stdin is not None
            try:
                for index in range(frames):
                    progress = index / max(1, frames - 1)
                    layout = []
                    for (source, face, angle), patch, (top, way) in zip(
                        walkers, patches, lanes, strict=True
                    ):
                        room = width - patch.image.width
                        left = round(room * (0.05 + 0.9 * (progress if way > 0 else 1 - progress)))
                        layout.append(_Paste(source, face, angle, left, top))
                    boxes.append([_face_at(paste) for paste in layout])
                    encoder.stdin.write(_render(background, layout).tobytes())
            except BrokenPipeError:
                pass  # ffmpeg stopped: its log says why, below
            finally:
                # Closed whatever happened, or ffmpeg would wait for more frames for ever.
                with contextlib.suppress(BrokenPipeError):
                    encoder.stdin.close()
                code = encoder.wait()
        if code != 0:
            raise RuntimeError(f"ffmpeg could not make the video: {errors.read_text().strip()}")
        return Clip(data=target.read_bytes(), boxes=boxes, fps=fps, size=size)


# ---------------------------------------------------------------------------------------------
# Making the pictures


@dataclass(frozen=True)
class _Patch:
    """A face with its context, scaled and turned, on a transparent ground."""

    image: Image.Image  # RGBA
    centre: tuple[float, float]  # the face's centre in the patch
    face: tuple[float, float]  # the face's width and height


def _place(
    wanted: Sequence[tuple[str, int, int]], width: int, height: int, seed: int
) -> tuple[tuple[_Paste, ...], tuple[PlacedFace, ...]]:
    """Where each face goes: anywhere in the picture, away from the others."""
    import numpy as np

    random = np.random.default_rng(seed)
    taken: list[tuple[int, int, int, int]] = []
    layout = []
    for source, size, angle in wanted:
        patch = _patch(source, size, angle)
        w, h = patch.image.size
        for _ in range(1000):
            x = int(random.integers(0, width - w + 1))
            y = int(random.integers(0, height - h + 1))
            if not any(_near((x, y, x + w, y + h), other) for other in taken):
                break
        else:
            raise RuntimeError(f"no room for {len(wanted)} faces in {width}x{height}")
        taken.append((x, y, x + w, y + h))
        layout.append(_Paste(source, size, angle, x, y))
    return tuple(layout), tuple(_face_at(paste) for paste in layout)


def _near(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return not (
        a[2] + GAP <= b[0] or b[2] + GAP <= a[0] or a[3] + GAP <= b[1] or b[3] + GAP <= a[1]
    )


def _face_at(paste: _Paste) -> PlacedFace:
    patch = _patch(paste.source, paste.size, paste.angle)
    cx, cy = paste.x + patch.centre[0], paste.y + patch.centre[1]
    w, h = patch.face
    return PlacedFace(
        cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, paste.size, paste.angle, paste.source
    )


def _render(background: Image.Image, layout: Iterable[_Paste]) -> Image.Image:
    picture = background.copy()
    for paste in layout:
        patch = _patch(paste.source, paste.size, paste.angle).image
        picture.paste(patch, (paste.x, paste.y), patch)
    return picture


@functools.cache
def _patch(source: str, size: int, angle: int) -> _Patch:
    """The face ``source``, ``size`` px wide, with its context, turned by ``angle`` degrees."""
    sample = _sample_image("astronaut" if source == FRONTAL else "camera")
    x1, y1, x2, y2 = _FACE_BOXES[source]
    margin = CONTEXT * (x2 - x1)
    scale = size / (x2 - x1)
    # The face in the middle, its context around it (which both samples have room for): it
    # stays in the middle when turned.
    around = (x1 - margin, y1 - margin, x2 + margin, y2 + margin)
    crop = sample.resize(
        (round((around[2] - around[0]) * scale), round((around[3] - around[1]) * scale)),
        Image.Resampling.LANCZOS,
        box=around,
    ).convert("RGBA")
    # A soft oval: no straight seam around the face for a detector to key on. It stays clear of
    # the face itself, which starts 0.6 of its width inside the crop.
    feather = max(2, round(0.12 * size))
    mask = Image.new("L", crop.size, 0)
    ImageDraw.Draw(mask).ellipse(
        (feather, feather, crop.width - 1 - feather, crop.height - 1 - feather), fill=255
    )
    crop.putalpha(mask.filter(ImageFilter.GaussianBlur(feather / 2)))
    if angle:
        crop = crop.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    cx, cy = crop.width / 2, crop.height / 2
    return _Patch(crop, (cx, cy), (size, (y2 - y1) * scale))


def _mosaic(seed: int, width: int, height: int) -> Image.Image:
    """A background of 4x3 tiles, each a bundled sample without a human face."""
    import numpy as np

    random = np.random.default_rng(10_000 + seed)
    names = [_BACKGROUNDS[int(random.integers(len(_BACKGROUNDS)))] for _ in range(12)]
    rows = [names[row * 4 : row * 4 + 4] for row in range(3)]
    return _tiles(rows, width, height)


def _street(width: int, height: int) -> Image.Image:
    return _tiles(_STREET, width, height)


def _tiles(rows: Sequence[Sequence[str]], width: int, height: int) -> Image.Image:
    picture = Image.new("RGB", (width, height))
    for row, names in enumerate(rows):
        top, bottom = height * row // len(rows), height * (row + 1) // len(rows)
        for column, name in enumerate(names):
            left, right = width * column // len(names), width * (column + 1) // len(names)
            tile = ImageOps.fit(
                _sample_image(name), (right - left, bottom - top), Image.Resampling.BILINEAR
            )
            picture.paste(tile, (left, top))
    return picture


@functools.cache
def _sample_image(name: str) -> Image.Image:
    """One of scikit-image's bundled samples, in RGB."""
    try:
        import numpy as np
        from skimage import data
    except ImportError as error:
        raise RuntimeError(
            "the pictures with faces are made from scikit-image's sample images: "
            "install it (pip install 'turnout[demo]')"
        ) from error
    pixels: npt.NDArray[np.generic] = getattr(data, name)()
    if name == "stereo_motorcycle":
        pixels = pixels[0]  # (left, right, disparity)
    if pixels.dtype == bool:
        pixels = pixels.astype(np.uint8) * 255
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return Image.fromarray(np.ascontiguousarray(pixels[..., :3]).astype(np.uint8))


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()
