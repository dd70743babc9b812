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
        (How.CHECKED, None),  # downloaded and looked at for a location first
        (How.CHECKED, None),
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
