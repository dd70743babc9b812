"""The face test set and the demo's pictures: always the same, and their faces where they say."""

from __future__ import annotations

import collections
import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

pytest.importorskip("skimage")

import imageio_ffmpeg

from turnout.sandbox import crowd
from turnout.sandbox.crowd import Box, PlacedFace, Sample, matches


def inside(face: Box, width: int, height: int) -> bool:
    return 0 <= face.x1 < face.x2 <= width and 0 <= face.y1 < face.y2 <= height


def overlap(a: Box, b: Box) -> bool:
    return a.x1 < b.x2 and b.x1 < a.x2 and a.y1 < b.y2 and b.y1 < a.y2


def changed(before: Image.Image, after: Image.Image, face: Box) -> float:
    """How much the pixels inside ``face`` differ between two pictures, 0 to 255."""
    box = (round(face.x1), round(face.y1), round(face.x2), round(face.y2))
    difference = ImageChops.difference(before.crop(box), after.crop(box)).convert("L")
    return ImageStat.Stat(difference).mean[0]


def test_the_set_has_its_crowds_and_its_empty_pictures() -> None:
    samples = crowd.test_set()

    crowds = [sample for sample in samples if sample.faces]
    assert collections.Counter(sample.size for sample in crowds) == {40: 4, 80: 4, 160: 4}
    assert all(len(sample.faces) == 12 for sample in crowds)
    assert sum(not sample.faces and sample.size == 0 for sample in samples) == 6
    faces = [face for sample in crowds for face in sample.faces]
    assert all(face.size == sample.size for sample in crowds for face in sample.faces)
    kinds = collections.Counter((face.source, face.angle) for face in faces)
    assert set(kinds) == {(s, a) for s in ("frontal", "profile") for a in (-20, 0, 20)}
    assert set(kinds.values()) == {24}
    assert len({sample.name for sample in samples}) == len(samples)


def test_faces_lie_inside_the_picture_and_never_overlap() -> None:
    for sample in crowd.test_set():
        assert all(inside(face, 4000, 3000) for face in sample.faces), sample.name
        for index, face in enumerate(sample.faces):
            assert not any(overlap(face, other) for other in sample.faces[index + 1 :])
            assert face.x2 - face.x1 == pytest.approx(sample.size)


def test_a_picture_is_made_the_same_every_time() -> None:
    sample = crowd.test_set()[0]
    first = sample.image
    crowd._test_set.cache_clear()
    again = crowd.test_set()[0]

    assert again == sample
    assert first.size == (4000, 3000)
    assert first.mode == "RGB"
    assert first.tobytes() == again.image.tobytes()
    assert crowd.demo_photo() == crowd.demo_photo()


@pytest.mark.parametrize("which", [0, 4, 8])
def test_each_face_is_pasted_where_its_box_says(which: int) -> None:
    sample = crowd.test_set()[which]
    bare = dataclasses.replace(sample, faces=(), layout=()).image
    picture = sample.image

    for face in sample.faces:
        assert changed(bare, picture, face) > 20, face
    # Nothing changed away from the faces (a face and its context span less than twice its
    # width from its centre, turned or not).
    difference = ImageChops.difference(bare, picture).convert("L")
    for face in sample.faces:
        x, y, reach = (face.x1 + face.x2) // 2, (face.y1 + face.y2) // 2, 2 * face.size
        difference.paste(0, (int(x - reach), int(y - reach), int(x + reach), int(y + reach)))
    assert difference.getbbox() is None


def test_empty_pictures_have_nothing_pasted() -> None:
    empty = [sample for sample in crowd.test_set() if not sample.faces]

    assert all(sample.layout == () for sample in empty)
    assert len({sample.image.tobytes()[:100_000] for sample in empty[:2]}) == 2


def test_demo_photos_are_jpegs_of_a_street_with_and_without_faces() -> None:
    with_faces = Image.open(io.BytesIO(crowd.demo_photo()))
    without = Image.open(io.BytesIO(crowd.no_face_photo()))

    assert with_faces.format == without.format == "JPEG"
    assert with_faces.size == without.size == (1600, 1200)
    assert ImageStat.Stat(ImageChops.difference(with_faces, without)).mean[0] > 5


@dataclasses.dataclass
class Detection:
    """As a detector returns a face: a box and a score."""

    x1: float
    y1: float
    x2: float
    y2: float
    score: float = 0.9


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (Detection(100, 100, 140, 150), True),
        (Detection(110, 110, 150, 160), True),  # shifted by a quarter: IoU 0.39
        (Detection(80, 75, 160, 175), True),  # twice as big, around it
        (Detection(112, 115, 128, 135), True),  # a tight box inside it
        (Detection(125, 100, 165, 150), False),  # beside it
        (Detection(300, 300, 340, 350), False),
        (Detection(100, 100, 100, 100), False),  # empty
    ],
)
def test_a_detection_matches_the_face_it_covers(found: Detection, expected: bool) -> None:
    truth = PlacedFace(100, 100, 140, 150, size=40, angle=0, source="frontal")

    assert matches(found, truth) is expected


def test_the_video_shows_two_faces_walking_with_a_tone(tmp_path: Path) -> None:
    clip = crowd.crowd_video(seconds=0.5, size=(640, 360), fps=10)
    path = tmp_path / "crowd.mp4"
    path.write_bytes(clip.data)

    frames = imageio_ffmpeg.read_frames(str(path))
    meta = next(frames)
    pictures = [Image.frombytes("RGB", meta["size"], frame) for frame in frames]
    assert meta["codec"] == "h264"
    assert meta["audio_codec"] == "aac"
    assert meta["size"] == (640, 360)
    assert len(pictures) == len(clip.boxes) == 5
    assert all(len(boxes) == 2 for boxes in clip.boxes)
    assert all(inside(face, 640, 360) for boxes in clip.boxes for face in boxes)
    first, last = clip.boxes[0], clip.boxes[-1]
    assert first[0].x1 < last[0].x1  # one walks right
    assert first[1].x1 > last[1].x1  # the other left
    for face in first:
        # Where a face was at first, the last frame shows what was behind it.
        assert changed(pictures[0], pictures[-1], face) > 20


def test_the_video_can_be_silent(tmp_path: Path) -> None:
    path = tmp_path / "silent.mp4"
    path.write_bytes(crowd.crowd_video(seconds=0.2, size=(640, 360), fps=10, audio=False).data)

    meta = next(imageio_ffmpeg.read_frames(str(path)))
    assert "audio_codec" not in meta


def test_frames_too_narrow_for_the_faces_are_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        crowd.crowd_video(size=(120, 1080))


def test_scikit_image_is_seen_when_installed() -> None:
    assert crowd.available()
    assert isinstance(crowd.test_set()[0], Sample)
