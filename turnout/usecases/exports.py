"""Exports and statistics for organisers: everything members sent, as a ZIP, and the counts.

The export itself (``turnout.export``) knows nothing of Telegram: the download function is
passed in. Every export is audited.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from turnout.export import ExportError
from turnout.export.archive import (
    ExportRequest,
    ExportResult,
    Fetch,
    Progress,
    remove_leftovers,
    write_export,
)
from turnout.i18n import Translator
from turnout.permissions import ORGANISERS, allowed
from turnout.scratch import remove_scratch
from turnout.storage import Action, Campaign, DayCount, Stats, Store
from turnout.storage.records import DayNumbers
from turnout.usecases.errors import Declined, Gone, NotAllowed
from turnout.usecases.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Scope:
    """What an export or /stats covers: one action, one campaign, or everything."""

    action: Action | None = None
    campaign: Campaign | None = None

    def title(self, t: Translator) -> str:
        if self.campaign is not None:
            return t("export.title_campaign", name=self.campaign.name)
        if self.action is not None:
            return t("export.title_action", title=self.action.title)
        return t("export.title_all")


async def action_scope(s: Services, action_id: int | None) -> Scope:
    """One action by its number (None: everything)."""
    if action_id is None:
        return Scope()
    action = await s.store.action(action_id)
    if action is None:
        raise Gone("arguments.no_such_action", id=action_id)
    return Scope(action=action)


async def campaign_scope(s: Services, name: str) -> Scope:
    campaign = await s.store.campaign_named(name[:100])
    if campaign is None:
        raise Gone("export.no_campaign", name=name[:100])
    return Scope(campaign=campaign)


async def export(
    s: Services,
    actor: int,
    scope: Scope,
    path: Path,
    t: Translator,
    fetch: Fetch | None,
    progress: Progress | None,
    *,
    originals: bool = False,
) -> ExportResult:
    """Write the export of ``scope`` to ``path``, with the media when ``fetch`` is given:
    their faces covered when ``TURNOUT_BLUR_FACES`` is ``export``, unless the organiser asked
    for the ``originals``."""
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
    request = ExportRequest(
        action_id=scope.action.id if scope.action else None,
        t=t,
        timezone=s.settings.timezone,
        title=scope.title(t),
        fetch=fetch,
        progress=progress,
        campaign_id=scope.campaign.id if scope.campaign else None,
        cover_faces=fetch is not None and s.settings.blur_exported and not originals,
    )
    try:
        result = await write_export(s.store, path, request)
    except ExportError as error:
        raise Declined("export.failed", reason=str(error)) from error
    asked = originals and s.settings.blur_exported
    await audit_export(s.store, s.now(), actor, request, originals=asked)
    return result


async def audit_export(
    store: Store,
    now: datetime,
    actor: int | None,
    request: ExportRequest,
    *,
    originals: bool = False,
) -> None:
    """Every export is audited (``export:made``), and so told to the owners: by whom (None:
    the command line), of what, whether it holds the media, and whether their faces were
    covered or, where they would have been, the originals were asked for."""
    if request.campaign_id is not None:
        scope = "campaign"
    elif request.action_id is not None:
        scope = "action"
    else:
        scope = "all"
    detail = {
        "scope": scope,
        "action": request.action_id,
        "campaign": request.campaign_id,
        "media": request.fetch is not None,
    }
    if request.cover_faces:
        detail["faces"] = "covered"
    elif originals and request.fetch is not None:
        detail["faces"] = "originals"
    await store.audit(now, actor, "export:made", None, detail)


async def clear_leftovers(s: Services) -> None:
    """At start: what an export killed midway left behind goes (members' photos included), and
    so do the scratch folders of videos being cleaned or covered when a process was killed."""
    removed = await asyncio.to_thread(remove_leftovers, s.settings.exports_folder)
    if removed:
        log.warning("removed %d leftovers of exports that did not finish", removed)
    scratch = await asyncio.to_thread(remove_scratch)
    if scratch:
        log.warning(
            "removed %d scratch folders of videos left by a process that was killed", scratch
        )


@dataclass(frozen=True, slots=True)
class StatsFigures:
    """What /stats shows: the counts, the day of the action (or of every action held so far)
    in counts, and RSVPs and reports per day for the chart."""

    counts: Stats
    day: DayNumbers
    rsvps: list[DayCount]
    reports: list[DayCount]


async def stats(s: Services, actor: int, scope: Scope) -> StatsFigures:
    """/stats of one action, or of everything (the day's numbers then add up the actions
    held so far: begun, and not cancelled)."""
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
    action = scope.action
    action_id = action.id if action else None
    counts = await s.store.stats_counts(action_id)
    if action is None:
        day = DayNumbers.added((await s.store.day_numbers(held_by=s.now())).values())
    else:
        day = DayNumbers.of(
            await s.store.attendance(action.id),
            await s.store.safety_counts(action.id) if action.safety_round > 0 else None,
            sum(counts.reports.values()),
        )
    rsvps, reports = await s.store.daily_counts(action_id)
    return StatsFigures(counts, day, rsvps, reports)
