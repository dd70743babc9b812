"""The card under a report shown with its faces covered (README, "Faces")."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.shown import seen
from turnout.i18n import Translator
from turnout.storage import Preview, PreviewItem
from turnout.views.buttons import PreviewVerb, PublishPreview
from turnout.views.preview import covered_caption, preview_card
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
