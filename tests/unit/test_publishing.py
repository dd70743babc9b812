"""What of a report may be posted to a channel, and how."""

from __future__ import annotations

import io

from PIL import Image

from tests.unit.test_clean import assert_clean, jpeg_with_gps
from tests.unit.test_video import PLACE, described, filmed_with_gps
from turnout.export.publishing import (
    BOT_DOWNLOAD_LIMIT,
    How,
    Planned,
    Ready,
    plan_publication,
    prepare,
)
from turnout.export.reasons import LeftOut, explain
from turnout.i18n import Catalogs
from turnout.storage import ReportMedia


def item(kind: str, mime: str | None = None, size: int | None = 1000) -> ReportMedia:
    return ReportMedia(kind, "F", "U", size, mime, None, None, None, None, None, 1)


def test_each_kind_is_published_by_id_cleaned_or_left_out_with_a_reason() -> None:
    media = [
        item("photo"),
        item("video", "video/mp4"),
        item("animation", "video/mp4"),
        item("video", "video/mp4", BOT_DOWNLOAD_LIMIT + 1),
        item("document", "image/jpeg"),
        item("document", "image/heic"),
        item("voice", "audio/ogg"),
        item("document", "video/quicktime"),
        item("document", "application/pdf"),
        item("document", "image/png", BOT_DOWNLOAD_LIMIT + 1),
        item("document", None),
    ]
    plan = plan_publication(media)
    assert [(p.how, p.reason) for p in plan] == [
        (How.BY_ID, None),
        (How.VIDEO, None),  # downloaded and copied without its metadata first
        (How.VIDEO, None),
        (How.LEFT_OUT, "publish.left.video_unchecked"),
        (How.CLEANED, None),
        (How.CLEANED, None),  # tried; refused later if it cannot be decoded
        (How.LEFT_OUT, "publish.left.voice"),
        (How.LEFT_OUT, "publish.left.video_file"),
        (How.LEFT_OUT, "publish.left.file"),
        (How.LEFT_OUT, "publish.left.too_big"),
        (How.LEFT_OUT, "publish.left.file"),
    ]
    assert [p.item for p in plan] == media


def test_a_long_report_is_posted_in_pieces_that_telegram_accepts() -> None:
    from turnout.i18n import Catalogs
    from turnout.storage import Report, ReportStatus
    from turnout.views.review import MESSAGE_LIMIT, cut_text, publication_texts

    t = Catalogs("en").translator("en")
    words = " ".join(f"word{n}" for n in range(900))  # about 6,900 characters
    report = Report(1, 2, None, True, words, None, None, ReportStatus.APPROVED, None, (), None)
    texts = publication_texts(t, report, "River Rally")
    assert len(texts) == 3 and texts[-1] == "— River Rally"
    assert all(len(text) <= MESSAGE_LIMIT for text in texts)
    assert " ".join(texts[:-1]) == words  # cut between words, nothing lost
    assert cut_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
    short = Report(1, 2, None, True, "Hi <3", None, None, ReportStatus.APPROVED, None, (), None)
    assert publication_texts(t, short, None) == ["Hi &lt;3\n\n— a report from our members"]


class Downloads:
    """Telegram's downloads, faked: the bytes of each file id; remembers what was asked for."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    async def __call__(self, file_id: str) -> bytes:
        self.asked.append(file_id)
        return self.files[file_id]


def planned(kind: str, mime: str | None = None, file_id: str = "F") -> Planned:
    item = ReportMedia(kind, file_id, "U", 1000, mime, None, None, None, None, None, 1)
    return plan_publication([item])[0]


async def test_what_is_posted_is_cleaned_first() -> None:
    huge = io.BytesIO()
    Image.new("L", (5000, 5000)).save(huge, "PNG")  # 25 MP in 25 KB
    downloads = Downloads(
        {
            "video": filmed_with_gps(),
            "broken": b"\x00\x00\x00\x1cftypmp42" + bytes(200),
            "picture": jpeg_with_gps(),
            "huge": huge.getvalue(),
        }
    )

    by_id = await prepare(planned("photo", file_id="compressed"), downloads)
    assert by_id == Ready("photo", "compressed")
    voice = await prepare(planned("voice", "audio/ogg"), downloads)
    assert voice == LeftOut("publish.left.voice")

    video = await prepare(planned("video", "video/mp4", "video"), downloads)
    assert isinstance(video, Ready) and isinstance(video.source, bytes)
    assert video.kind == "video"
    assert PLACE.encode() not in video.source
    assert "location" not in described(video.source)

    broken = await prepare(planned("animation", "video/mp4", "broken"), downloads)
    assert broken == LeftOut("publish.left.video_uncleaned")

    picture = await prepare(planned("document", "image/jpeg", "picture"), downloads)
    assert isinstance(picture, Ready) and isinstance(picture.source, bytes)
    assert picture.kind == "photo"
    assert_clean(picture.source)

    refused = await prepare(planned("document", "image/png", "huge"), downloads)
    assert isinstance(refused, LeftOut)
    t = Catalogs("en").translator("en")
    assert explain(t, refused) == (
        "A picture was left out: it is too large to clean safely"
        " (25.0 megapixels; the limit for a picture like this one is 16 megapixels)."
    )
    assert "25,0 mégapixels" in explain(Catalogs("en").translator("fr"), refused)
    assert downloads.asked == ["video", "broken", "picture", "huge"]  # not the others
