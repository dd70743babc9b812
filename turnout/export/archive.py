"""The export ZIP: reports.csv, reports.json, rsvps.csv, actions.csv, actions.geojson, media/
and index.html, streamed.

One pass over the reports in batches: each batch's media are downloaded (several at once),
cleaned and written into the ZIP as they arrive, and its rows are appended to the CSV, JSON and
HTML files in a scratch folder, which go into the ZIP at the end. Memory holds one batch and a
few files, whatever the number of reports. ``actions.csv`` has each action's day in counts
(going, here, the safety check's answers, reports per attendee), never who checked in or who
needed help (README, "Action day").
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from zoneinfo import ZoneInfo

from turnout.export import page
from turnout.export.blurring import blurred_image, blurred_video
from turnout.export.clean import clean_image
from turnout.export.daycounts import DAY_COLUMNS, day_counts
from turnout.export.errors import CannotClean, ExportError, FacesUnavailable
from turnout.export.geo import FeatureWriter, action_feature, report_feature
from turnout.export.media import DOWNLOAD_FAILED, InExport, cannot_clean, export_plan
from turnout.export.reasons import LeftOut, explain
from turnout.export.video import clean_video
from turnout.i18n import Translator
from turnout.pseudonym import pseudonym, shown_as
from turnout.storage import Action, Attendance, Report, ReportMedia, ReportStatus, Store
from turnout.storage.records import DayNumbers
from turnout.views.reports import STATUS_WORDS

Fetch = Callable[[str], Awaitable[bytes]]
"""Downloads a file by its Telegram file id; raises ExportError when it cannot."""
Progress = Callable[[int, int], Awaitable[None]]
"""Told (media done, media in all) as media are handled."""

BATCH = 500
REPORT_COLUMNS = [
    "report", "action_id", "action", "status", "submitted_utc", "submitted_local",
    "reviewed_utc", "member", "text", "latitude", "longitude", "media_files",
    "media_left_out", "review_note",
]  # fmt: skip
RSVP_COLUMNS = ["action_id", "action", "member", "answer", "answered_utc", "answered_local"]
ACTION_COLUMNS = [
    "action_id", "action", "status", "campaign_id", "starts_utc", "ends_utc", "starts_local",
    "ends_local", "place", *DAY_COLUMNS,
]  # fmt: skip
"""One row per action: when, and its day in counts (``export.daycounts``)."""
NOTHING_YET = DayNumbers.of(Attendance(), None, 0)
"""The counts of an action read without them (moved to another campaign meanwhile): none."""
_FILE_KIND = {"video": "video", "animation": "video", "voice": "audio"}
"""How the page shows an item of each kind; anything else is shown as an image."""


@dataclass(frozen=True, slots=True)
class _InZip:
    """A media item written into the ZIP: its path there, and its kind as stored
    (``ReportMedia.kind``), which decides how the page shows it."""

    name: str
    kind: str


_Outcome = _InZip | LeftOut
"""What became of one media item: written into the ZIP, or left out with the reason's key."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    size: int
    reports: int
    rsvps: int
    files: int
    left_out: int
    faces: int = 0
    """Faces covered in its photos and videos (``ExportRequest.cover_faces``)."""
    covered: bool = False
    """Whether faces were covered in it."""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export and how it reads. ``fetch`` None: metadata only, no media."""

    action_id: int | None
    t: Translator
    timezone: str
    title: str
    fetch: Fetch | None = None
    progress: Progress | None = None
    concurrency: int = 8
    campaign_id: int | None = None
    """Only the actions of this campaign (and their reports and RSVPs)."""
    cover_faces: bool = False
    """Cover every face found in the photos and videos (README, "Faces")."""


#: What an export writes before it is complete: the ZIP, and the scratch folder beside it.
PARTIAL_SUFFIX = ".partial"
SCRATCH_PREFIX = ".export-"


async def write_export(store: Store, path: Path, request: ExportRequest) -> ExportResult:
    """Write the export to ``path`` (replaced only once complete)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    actions = await store.all_actions()
    key = await store.pseudonym_key()
    if request.campaign_id is not None:
        actions = {k: a for k, a in actions.items() if a.campaign_id == request.campaign_id}
    total = await store.count_media(request.action_id, request.campaign_id) if request.fetch else 0
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        return await _write(store, path, partial, request, actions, key, total)
    except OSError as error:
        # A full disk or a lost folder: the export failed, the bot did not.
        partial.unlink(missing_ok=True)
        raise ExportError(error.strerror or type(error).__name__) from error
    except BaseException:
        # Half an export is still members' reports: it does not stay on the server.
        partial.unlink(missing_ok=True)
        raise


async def _write(
    store: Store,
    path: Path,
    partial: Path,
    request: ExportRequest,
    actions: dict[int, Action],
    key: bytes,
    total: int,
) -> ExportResult:
    with (
        tempfile.TemporaryDirectory(dir=path.parent, prefix=SCRATCH_PREFIX) as folder,
        _Sheets(Path(folder)) as sheets,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        writer = _Writer(request, actions, key, archive, sheets, total)
        after = 0
        chosen = [action for action in actions.values() if request.action_id in (None, action.id)]
        days = await store.day_numbers(action_id=request.action_id, campaign_id=request.campaign_id)
        sheets.geo.add(
            action_feature(action, days.get(action.id, NOTHING_YET)) for action in chosen
        )
        _write_actions(archive, chosen, days)
        while batch := await store.reports_after(
            request.action_id, after, BATCH, request.campaign_id
        ):
            shown = await store.names_shown([report.user_id for report in batch])
            await writer.add_reports(batch, shown)
            sheets.geo.add(report_feature(report) for report in batch)
            after = batch[-1].id
        rsvps = await _write_rsvps(store, request, actions, key, archive)
        sheets.finish(request, actions, writer.seen_actions)
        for name in ("reports.csv", "reports.json", "index.html", "actions.geojson"):
            archive.write(Path(folder) / name, name)
    size = _put_in_place(partial, path)
    return ExportResult(
        path,
        size,
        writer.reports,
        rsvps,
        writer.files,
        writer.left_out,
        writer.faces,
        request.cover_faces,
    )


def remove_leftovers(folder: Path) -> int:
    """Remove what an export killed midway left in ``folder`` (its ``.partial`` ZIP, and its
    scratch folder with members' photos); how many. Run at start, when no export is under
    way: a half export is still members' reports, and does not stay on the server."""
    if not folder.is_dir():
        return 0
    removed = 0
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink() and entry.name.startswith(SCRATCH_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        elif entry.is_file() and entry.name.endswith(PARTIAL_SUFFIX):
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


def _put_in_place(partial: Path, path: Path) -> int:
    """The complete file replaces any older one at once; its size."""
    partial.replace(path)
    return path.stat().st_size


class _Sheets:
    """The scratch files that are written row by row and added to the ZIP at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.csv_file: IO[str] = open(folder / "reports.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.json_file: IO[str] = open(folder / "reports.json", "w", encoding="utf-8")  # noqa: SIM115
        self.cards: IO[str] = open(folder / "cards.html", "w", encoding="utf-8")  # noqa: SIM115
        self.geo_file: IO[str] = open(folder / "actions.geojson", "w", encoding="utf-8")  # noqa: SIM115
        self.geo = FeatureWriter(self.geo_file)
        self.csv = csv.writer(self.csv_file)
        self.csv.writerow(REPORT_COLUMNS)
        self.json_file.write("[")
        self.first_json = True

    def __enter__(self) -> _Sheets:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for handle in (self.csv_file, self.json_file, self.cards, self.geo_file):
            handle.close()

    def add(self, row: list[Any], record: dict[str, Any], card: str) -> None:
        self.csv.writerow(row)
        self.json_file.write(
            ("\n" if self.first_json else ",\n") + json.dumps(record, ensure_ascii=False)
        )
        self.first_json = False
        self.cards.write(card)

    def finish(
        self, request: ExportRequest, actions: dict[int, Action], seen: dict[str, str]
    ) -> None:
        """Close the JSON array; wrap the cards in the page, with filters of what is there."""
        t = request.t
        self.json_file.write("\n]\n")
        self.geo.close()
        self.geo_file.flush()
        self.cards.close()
        statuses = [
            (status.value, t(STATUS_WORDS[status]))
            for status in ReportStatus
            if status is not ReportStatus.DRAFT
        ]
        with open(self.folder / "index.html", "w", encoding="utf-8") as out:
            out.write(
                page.head(t, request.title, sorted(seen.items(), key=lambda i: i[1]), statuses)
            )
            with open(self.folder / "cards.html", encoding="utf-8") as cards:
                shutil.copyfileobj(cards, out)
            out.write(page.tail())
        self.csv_file.flush()
        self.json_file.flush()


class _Writer:
    def __init__(
        self,
        request: ExportRequest,
        actions: dict[int, Action],
        key: bytes,
        archive: zipfile.ZipFile,
        sheets: _Sheets,
        total: int,
    ) -> None:
        self.request = request
        self.actions = actions
        self.key = key
        self.archive = archive
        self.sheets = sheets
        self.total = total
        self.done = 0
        self.reports = 0
        self.files = 0
        self.faces = 0
        self.left_out = 0
        self.seen_actions: dict[str, str] = {}
        self.slots = asyncio.Semaphore(request.concurrency)
        # One item at a time in the face worker's queue: the rest of it is for people waiting
        # on a preview.
        self.covering = asyncio.Lock()

    async def add_reports(self, batch: list[Report], shown: dict[int, str]) -> None:
        """``shown``: first names of the members who chose to show them to organisers."""
        outcomes = await self._media(batch)
        t = self.request.t
        for report in batch:
            action = self.actions.get(report.action_id) if report.action_id else None
            title = action.title if action else t("report.no_action")
            zone = action.timezone if action else self.request.timezone
            value = str(action.id) if action else "other"
            self.seen_actions[value] = title
            handled = [outcomes[(report.id, n)] for n in range(len(report.media))]
            files = [outcome for outcome in handled if isinstance(outcome, _InZip)]
            names = [file.name for file in files]
            reasons = [explain(t, outcome) for outcome in handled if isinstance(outcome, LeftOut)]
            who = shown_as(self.key, report.user_id, shown.get(report.user_id))
            submitted = report.submitted_at
            row = [
                report.id, report.action_id or "", title, report.status.value,
                _utc(submitted), _local(submitted, zone), _utc(report.reviewed_at), who,
                report.text, _number(report.latitude), _number(report.longitude),
                ";".join(names), ";".join(reasons), report.review_note or "",
            ]  # fmt: skip
            record: dict[str, Any] = dict(zip(REPORT_COLUMNS, row, strict=True))
            cells = [_cell(value) for value in row]
            record["media_files"] = names
            record["media_left_out"] = reasons
            location = None
            if report.latitude is not None and report.longitude is not None:
                location = (report.latitude, report.longitude)
            card = page.card(
                t,
                number=report.id,
                action_value=value,
                action_label=title,
                status=report.status.value,
                status_label=t(STATUS_WORDS[report.status]),
                when=_local(submitted, zone),
                who=who,
                text=report.text,
                location=location,
                files=[(_FILE_KIND.get(file.kind, "image"), file.name) for file in files],
                left_out=reasons,
            )
            self.sheets.add(cells, record, card)
            self.reports += 1

    async def _media(self, batch: list[Report]) -> dict[tuple[int, int], _Outcome]:
        """What became of each item, by (report id, index in the report)."""
        outcomes: dict[tuple[int, int], _Outcome] = {}
        downloads: dict[tuple[int, int], asyncio.Task[_Outcome]] = {}
        downloading = self.request.fetch is not None
        # A task group: if one fails unexpectedly, the others stop too (before the ZIP closes).
        try:
            async with asyncio.TaskGroup() as group:
                for report in batch:
                    for index, item in enumerate(report.media):
                        plan = export_plan(item, downloading)
                        if isinstance(plan, LeftOut):
                            outcomes[(report.id, index)] = plan
                            self.left_out += 1
                            self.done += 1
                            continue
                        base = f"media/report-{report.id:06d}-{index + 1:02d}"
                        task = group.create_task(self._one(item, plan, base))
                        downloads[(report.id, index)] = task
        except BaseExceptionGroup as failed:
            # Callers catch the failure itself (a full disk, a lost export), not the group.
            raise failed.exceptions[0] from None
        outcomes.update((place, task.result()) for place, task in downloads.items())
        if self.request.progress is not None and outcomes and not downloads:
            # Items left out before any download still count towards the total.
            await self.request.progress(self.done, self.total)
        return outcomes

    async def _one(self, item: ReportMedia, plan: InExport, base: str) -> _Outcome:
        """Download, clean, and write one item as ``base`` and its extension."""
        assert self.request.fetch is not None
        async with self.slots:
            outcome: _Outcome
            try:
                data = await self.request.fetch(item.file_id)
                extension = plan.extension
                if self.request.cover_faces and (plan.picture or plan.video):
                    # In the face worker's queue, waiting a turn as long as it takes.
                    async with self.covering:
                        if plan.picture:
                            covered = await blurred_image(data, wait=True)
                        else:
                            covered = await blurred_video(data, wait=True)
                    data, extension = covered.data, covered.extension
                    self.faces += covered.faces
                elif plan.picture:
                    data, extension, _ = await asyncio.to_thread(clean_image, data)
                elif plan.video:
                    data = await asyncio.to_thread(clean_video, data)
            except CannotClean as error:
                outcome = cannot_clean(plan, error)
            except FacesUnavailable:
                raise  # the whole export: it must not hold faces it says are covered
            except ExportError:
                outcome = LeftOut(DOWNLOAD_FAILED)
            else:
                outcome = _InZip(f"{base}.{extension}", item.kind)
                # Already compressed: stored, not deflated again.
                self.archive.writestr(outcome.name, data, compress_type=zipfile.ZIP_STORED)
            if isinstance(outcome, _InZip):
                self.files += 1
            else:
                self.left_out += 1
            self.done += 1
            if self.request.progress is not None:
                await self.request.progress(self.done, self.total)
            return outcome


async def _write_rsvps(
    store: Store,
    request: ExportRequest,
    actions: dict[int, Action],
    key: bytes,
    archive: zipfile.ZipFile,
) -> int:
    count = 0
    with archive.open("rsvps.csv", "w") as raw, _text(raw) as out:
        writer = csv.writer(out)
        writer.writerow(RSVP_COLUMNS)
        after = (0, 0)
        while batch := await store.rsvps_after(
            request.action_id, after, BATCH * 4, request.campaign_id
        ):
            for rsvp in batch:
                action = actions.get(rsvp.action_id)
                zone = action.timezone if action else request.timezone
                writer.writerow([
                    rsvp.action_id, _cell(action.title if action else ""),
                    pseudonym(key, rsvp.user_id), rsvp.answer.value, _utc(rsvp.answered_at),
                    _local(rsvp.answered_at, zone),
                ])  # fmt: skip
            count += len(batch)
            after = (batch[-1].action_id, batch[-1].user_id)
    return count


def _write_actions(
    archive: zipfile.ZipFile, actions: list[Action], days: dict[int, DayNumbers]
) -> None:
    """``actions.csv``, counts only (few actions next to reports: written at once)."""
    with archive.open("actions.csv", "w") as raw, _text(raw) as out:
        writer = csv.writer(out)
        writer.writerow(ACTION_COLUMNS)
        for action in actions:
            day = days.get(action.id, NOTHING_YET)
            counts = day_counts(day)
            writer.writerow([
                action.id, _cell(action.title), action.status.value, action.campaign_id or "",
                _utc(action.starts_at), _utc(action.end), _local(action.starts_at, action.timezone),
                _local(action.end, action.timezone), _cell(action.place),
                *("" if counts[name] is None else counts[name] for name in DAY_COLUMNS),
            ])  # fmt: skip


def _text(raw: IO[bytes]) -> IO[str]:
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _local(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    return moment.astimezone(_zone(zone)).strftime("%Y-%m-%d %H:%M %Z")


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    found = _ZONES.get(name)
    if found is None:
        found = _ZONES[name] = ZoneInfo(name)
    return found


def _cell(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula: members write the text, and a cell
    starting with = + - @ would be one in Excel or LibreOffice (the JSON keeps it as written)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"
