"""Reports from members: opening one, what they send into it, submitting, discarding and
withdrawing it.

The draft lives in the database from the first message, so a restart, or a bad connection,
loses nothing: the member just goes on sending.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from turnout.i18n import N_
from turnout.limits import BOT_DOWNLOAD_BYTES, REPORT_CHARACTERS, REPORT_MEDIA, REPORT_WINDOW
from turnout.storage import Action, ActionStatus, Report, ReportMedia
from turnout.usecases.errors import Declined, Gone, Invalid
from turnout.usecases.services import Services


@dataclass(frozen=True, slots=True)
class MediaPiece:
    item: ReportMedia
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class TextPiece:
    text: str
    message_id: int | None = None
    """The member's message, so that one handled twice is appended once."""


@dataclass(frozen=True, slots=True)
class LocationPiece:
    latitude: float
    longitude: float


Piece = MediaPiece | TextPiece | LocationPiece


class Added(StrEnum):
    """What became of a piece sent into a report."""

    MEDIA = N_("report.media_added")
    BIG_MEDIA = N_("report.media_added_big")
    TEXT = N_("report.text_added")
    LOCATION = N_("report.location_added")


@dataclass(frozen=True, slots=True)
class Opened:
    """A report opened (or found open): the draft, and the actions it may be about when it
    still has to choose one (None: it is chosen already)."""

    draft: Report
    choices: list[Action] | None


async def open_report(s: Services, user_id: int, action_id: int | None = None) -> Opened:
    """/report, or ``/start rep_<id>`` with the action already chosen."""
    now = s.now()
    draft = await s.store.open_draft(user_id, now)
    if action_id is not None and await s.store.action(action_id) is not None:
        await s.store.update_draft(draft.id, {"action_id": action_id, "action_chosen": 1}, now)
        return Opened(draft, None)
    if draft.action_chosen or draft.media or draft.text:
        return Opened(draft, None)
    return Opened(draft, await s.store.reportable_actions(now - REPORT_WINDOW))


async def open_report_on(s: Services, user_id: int, action_id: int) -> Opened:
    """The button under the thank-you after an action: a report about that action, without
    the picker. The window counts from the end (the thank-you comes after it, and an action
    may last days), so it never refuses an action /report would offer. A draft already about
    this action goes on; an empty one is turned to it; one holding something about another
    action is not moved: the member finishes or cancels it first."""
    now = s.now()
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("card.gone")
    if action.status is ActionStatus.CANCELLED:
        raise Gone("photos.cancelled")
    if action.end <= now - REPORT_WINDOW:
        raise Gone("photos.too_late")
    draft = await s.store.open_draft(user_id, now)
    if draft.action_chosen and draft.action_id == action_id:
        return Opened(draft, None)
    if draft.media or draft.text or draft.latitude is not None:
        raise Declined("photos.other_draft")
    await s.store.update_draft(draft.id, {"action_id": action_id, "action_chosen": 1}, now)
    return Opened(replace(draft, action_id=action_id, action_chosen=True), None)


async def draft_of(s: Services, user_id: int, report_id: int) -> Report:
    """The member's report in progress, if it is ``report_id``; otherwise why not."""
    draft = await s.store.draft_of(user_id)
    if draft is not None and draft.id == report_id:
        return draft
    found = await s.store.report(report_id)
    if found is not None and found.user_id == user_id:
        raise Gone("report.already_submitted")
    raise Gone("report.no_draft")


async def choose_action(s: Services, user_id: int, report_id: int, action_id: int | None) -> None:
    """Which action the report is about (None: another, or none)."""
    draft = await draft_of(s, user_id, report_id)
    if action_id is not None and await s.store.action(action_id) is None:
        raise Gone()
    await s.store.update_draft(draft.id, {"action_id": action_id, "action_chosen": 1}, s.now())


async def add(s: Services, user_id: int, piece: Piece) -> Added:
    """Put what a member sent into their open report."""
    store, now = s.store, s.now()
    # Most of what arrives during an action is media for an open report: one statement.
    if isinstance(piece, MediaPiece) and not piece.caption:
        item = piece.item
        if await store.add_to_open_draft(user_id, item, REPORT_MEDIA):
            return _media_added(item)
    draft = await store.draft_of(user_id)
    if draft is None:
        raise Declined("report.start_first")
    if not draft.action_chosen:
        raise Declined("report.choose_first")
    match piece:
        case LocationPiece(latitude, longitude):
            fields: dict[str, object] = {"latitude": latitude, "longitude": longitude}
            await store.update_draft(draft.id, fields, now)
            return Added.LOCATION
        case TextPiece(text, message_id):
            text = text.strip()
            if not text:
                raise Invalid("report.unsupported")
            combined = f"{draft.text}\n\n{text}" if draft.text else text
            if len(combined) > REPORT_CHARACTERS:
                raise Invalid("report.text_too_long", count=REPORT_CHARACTERS)
            # False when this very message was appended before (handled again after a kill).
            await store.append_draft_text(draft.id, combined, message_id, now)
            return Added.TEXT
        case MediaPiece(item, caption):
            if len(draft.media) >= REPORT_MEDIA:
                raise Declined("report.too_many", count=REPORT_MEDIA)
            # Its caption only with the item itself: not again for an item stored before.
            if await store.add_report_media(draft.id, item) and caption:
                combined = f"{draft.text}\n\n{caption}" if draft.text else caption
                await store.update_draft(draft.id, {"text": combined[:REPORT_CHARACTERS]}, now)
            return _media_added(item)


def _media_added(item: ReportMedia) -> Added:
    too_big = item.size is not None and item.size > BOT_DOWNLOAD_BYTES
    return Added.BIG_MEDIA if too_big else Added.MEDIA


async def finished(s: Services, user_id: int) -> Report:
    """/done: the report as it is, to submit; it must hold something."""
    draft = await s.store.draft_of(user_id)
    if draft is None or not (draft.media or draft.text or draft.latitude is not None):
        raise Declined("report.nothing_yet")
    return draft


async def submit(s: Services, user_id: int, report_id: int) -> Report:
    """Send the report to the reviewers (at most ``REPORT_RATE`` an hour per member)."""
    draft = await draft_of(s, user_id, report_id)
    now = s.now()
    recent = await s.store.reports_submitted_since(user_id, now - timedelta(hours=1))
    if recent >= s.settings.report_rate:
        raise Declined("report.rate_limited", count=s.settings.report_rate)
    if not await s.store.submit_report(draft.id, now):
        raise Gone("report.already_submitted")
    # The review chat hears of it in a moment, with any others sent meanwhile.
    s.hooks.report_submitted()
    return draft


async def discard(s: Services, user_id: int, report_id: int) -> None:
    await draft_of(s, user_id, report_id)
    await s.store.discard_draft(user_id)


async def withdraw(s: Services, user_id: int, report_id: int) -> None:
    """A member takes back their own report while it waits for review."""
    if not await s.store.withdraw_report(report_id, user_id):
        raise Gone("report.not_withdrawable")


async def mine(s: Services, user_id: int) -> tuple[list[Report], dict[int, str]]:
    """/myreports: the member's reports and the titles of their actions."""
    reports = await s.store.reports_of(user_id)
    titles: dict[int, str] = {}
    for report in reports:
        if report.action_id is not None and report.action_id not in titles:
            action = await s.store.action(report.action_id)
            titles[report.action_id] = action.title if action else ""
    return reports, titles
