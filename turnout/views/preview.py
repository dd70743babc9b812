"""A report shown with its faces covered before it is published (README, "Faces"): a caption
under each photo or video, and the card with the organiser's choice."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from turnout.i18n import Translator
from turnout.storage import Preview
from turnout.views.buttons import PreviewVerb, PublishPreview
from turnout.views.reply import Reply


def covered_caption(t: Translator, faces: int) -> str:
    """Under each photo or video of the preview: how many faces it has covered."""
    if not faces:
        return t("publish.faces.none_found")
    return t.plural("publish.faces.covered", faces)


def covering_progress(t: Translator, report_id: int, done: int, total: int) -> str:
    """The status while faces are looked for: "…: 2 of 5 photos and videos checked…"."""
    return t.plural("publish.faces.progress", total, id=report_id, done=done)


def preview_card(
    t: Translator, preview: Preview, channel: str, left_out: Sequence[str], *, differs: bool
) -> Reply:
    """What the organiser reads under the covered media (``left_out``: why each item left out
    was, in words), with Publish blurred, Publish as is (when it would post something else:
    ``differs``) and Cancel."""
    faces = preview.faces
    if faces:
        head = t.plural("publish.faces.card", faces, id=preview.report_id, channel=channel)
    else:
        head = t("publish.faces.card_none", id=preview.report_id, channel=channel)
    lines = [head, "", t("publish.faces.look")]
    if left_out:
        lines += ["", *left_out]
    blurred = PublishPreview(PreviewVerb.BLURRED, preview.id)
    if differs:
        as_is = PublishPreview(PreviewVerb.AS_IS, preview.id)
        buttons = [
            blurred.button(t("publish.faces.button.blurred")),
            as_is.button(t("publish.faces.button.as_is")),
        ]
    else:  # "as is" would post the same
        buttons = [blurred.button(t("publish.faces.button.publish"))]
    cancel = PublishPreview(PreviewVerb.CANCEL, preview.id).button(t("publish.faces.button.cancel"))
    return Reply("\n".join(lines), InlineKeyboardMarkup([buttons, [cancel]]))
