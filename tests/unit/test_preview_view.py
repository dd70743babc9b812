"""The card under a report shown with its faces covered (README, "Faces")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.shown import seen
from turnout.handlers.common import progress
from turnout.i18n import Translator
from turnout.storage import Preview, PreviewItem
from turnout.views.buttons import PreviewVerb, PublishPreview
from turnout.views.preview import covered_caption, covering_progress, preview_card
from turnout.views.reply import Reply

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def preview(*faces: int) -> Preview:
    items = tuple(PreviewItem("photo", f"f{n}", count) for n, count in enumerate(faces))
    return Preview(9, 12, -100, NOW, items, "[]")


def labels_and_data(card: Reply) -> list[tuple[str, PublishPreview | None]]:
    assert card.markup is not None
    return [
        (button.text, PublishPreview.decode(str(button.callback_data)))
        for row in card.markup.inline_keyboard
        for button in row
    ]


def test_faces_found_offer_blurred_as_is_and_cancel(t: Translator) -> None:
    card = preview_card(t, preview(3, 0, 2), "Rally News", [], differs=True)
    assert seen(card.text).startswith(
        "Above: report #12 as it would go to Rally News, with 5 faces covered."
    )
    assert "turned away" in card.text
    assert labels_and_data(card) == [
        ("🙈 Publish blurred", PublishPreview(PreviewVerb.BLURRED, 9)),
        ("Publish as is", PublishPreview(PreviewVerb.AS_IS, 9)),
        ("Cancel", PublishPreview(PreviewVerb.CANCEL, 9)),
    ]


def test_one_face_reads_in_the_singular(t: Translator) -> None:
    card = preview_card(t, preview(1), "News", [], differs=True)
    assert "with 1 face covered." in card.text


def test_nothing_found_and_nothing_different_offers_publish_and_cancel(t: Translator) -> None:
    card = preview_card(t, preview(0, 0), "News", ["A voice note was left out."], differs=False)
    assert "No face was found in its photos and videos." in card.text
    assert card.text.endswith("A voice note was left out.")
    assert [label for label, _ in labels_and_data(card)] == ["📣 Publish", "Cancel"]


def test_nothing_found_but_a_video_left_out_still_offers_as_is(t: Translator) -> None:
    card = preview_card(t, preview(0), "News", ["A video was left out: …"], differs=True)
    assert "Publish as is" in [label for label, _ in labels_and_data(card)]


def test_each_copy_says_what_was_covered(t: Translator) -> None:
    assert covered_caption(t, 0) == "No face found"
    assert covered_caption(t, 1) == "1 face covered"
    assert covered_caption(t, 4) == "4 faces covered"


def test_the_status_counts_what_was_checked(t: Translator) -> None:
    assert covering_progress(t, 12, 1, 3) == (
        "Looking for faces in report #12: 1 of 3 photos and videos checked…"
    )
    assert covering_progress(t, 12, 0, 1) == (
        "Looking for faces in report #12: 0 of 1 photo or video checked…"
    )


class Status:
    """A status message that keeps its edits."""

    def __init__(self) -> None:
        self.edits: list[str] = []

    async def edit_text(self, text: str) -> None:
        self.edits.append(text)


async def test_a_counting_status_is_edited_at_most_every_few_seconds_and_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    status = Status()
    report = progress.counting(status, lambda done, total: f"{done}/{total}")  # type: ignore[arg-type] - a stand-in
    await report(0, 3)  # at once: nothing to say yet
    now[0] += progress.EVERY
    await report(1, 3)
    now[0] += 1
    await report(2, 3)  # too soon after the last
    await report(3, 3)  # the end, whenever it comes
    assert status.edits == ["1/3", "3/3"]
