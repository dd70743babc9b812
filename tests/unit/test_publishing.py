"""What of a report may be posted to a channel, and how."""

from __future__ import annotations

from turnout.export.publishing import BOT_DOWNLOAD_LIMIT, How, plan_publication
from turnout.storage import ReportMedia


def item(kind: str, mime: str | None = None, size: int | None = 1000) -> ReportMedia:
    return ReportMedia(kind, "F", "U", size, mime, None, None, None, None, None, 1)


def test_each_kind_is_published_by_id_cleaned_or_left_out_with_a_reason() -> None:
    media = [
        item("photo"),
        item("video", "video/mp4"),
        item("animation", "video/mp4"),
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
        (How.BY_ID, None),
        (How.BY_ID, None),
        (How.CLEANED, None),
        (How.CLEANED, None),  # tried; refused later if it cannot be decoded
        (How.LEFT_OUT, "publish.left.voice"),
        (How.LEFT_OUT, "publish.left.video_file"),
        (How.LEFT_OUT, "publish.left.file"),
        (How.LEFT_OUT, "publish.left.too_big"),
        (How.LEFT_OUT, "publish.left.file"),
    ]
    assert [p.item for p in plan] == media
