"""The export ZIP, written from a real store with a stand-in for Telegram's downloads, and read
back as an organiser would: reports.csv, reports.json, rsvps.csv, index.html and media/."""

from __future__ import annotations

import csv
import errno
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from tests.conftest import NOW, MemberFactory
from tests.storage.test_daynumbers import answer_safety
from tests.unit.test_clean import assert_clean, gps_exif, jpeg_with_gps
from tests.unit.test_video import PLACE, animation, described, filmed_with_gps
from turnout.export import ExportError, archive
from turnout.export.archive import ExportRequest, ExportResult, Fetch, Progress, write_export
from turnout.i18n import Catalogs
from turnout.pseudonym import pseudonym
from turnout.storage import Action, Answer, NewAction, ReportMedia, Store

t = Catalogs("en").translator("en")
ORGANISER = 7
NOT_A_VIDEO = b"\x00\x00\x00\x1cftypmp42" + bytes(200)  # an opening, nothing after it


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ana Activist")
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG", pnginfo=info, exif=gps_exif().tobytes())
    return out.getvalue()


def item(kind: str, message_id: int, mime: str | None = None, size: int = 1000) -> ReportMedia:
    """A stored media item whose Telegram file id is ``file-<message_id>``."""
    return ReportMedia(kind, f"file-{message_id}", f"u{message_id}", size, mime,
                       None, None, None, None, None, message_id)  # fmt: skip


class Downloads:
    """Telegram's downloads, faked: the bytes of each file id, or the error its download raises.
    Remembers what was asked for."""

    def __init__(self, files: dict[str, bytes | Exception]) -> None:
        self.files = files
        self.asked: list[str] = []

    async def __call__(self, file_id: str) -> bytes:
        self.asked.append(file_id)
        found = self.files[file_id]
        if isinstance(found, Exception):
            raise found
        return found


@dataclass(frozen=True)
class Opened:
    """An export as read back: every file's bytes, and the sheets parsed."""

    files: dict[str, bytes]
    rows: list[dict[str, str]]
    records: list[dict[str, Any]]
    rsvps: list[dict[str, str]]
    page: str

    @property
    def media(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith("media/"))

    def row(self, report_id: int) -> dict[str, str]:
        [row] = [row for row in self.rows if row["report"] == str(report_id)]
        return row

    def record(self, report_id: int) -> dict[str, Any]:
        [record] = [record for record in self.records if record["report"] == report_id]
        return record


def sheet(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


async def export(
    store: Store,
    path: Path,
    *,
    fetch: Fetch | None = None,
    progress: Progress | None = None,
    action_id: int | None = None,
    campaign_id: int | None = None,
) -> tuple[ExportResult, Opened]:
    request = ExportRequest(
        action_id, t, "UTC", "Everything", fetch, progress, concurrency=2, campaign_id=campaign_id
    )
    result = await write_export(store, path, request)
    with zipfile.ZipFile(path) as zipped:
        files = {name: zipped.read(name) for name in zipped.namelist()}
    opened = Opened(
        files,
        sheet(files["reports.csv"]),
        json.loads(files["reports.json"]),
        sheet(files["rsvps.csv"]),
        files["index.html"].decode("utf-8"),
    )
    return result, opened


async def an_action(store: Store, title: str, campaign_id: int | None = None) -> Action:
    new = NewAction(
        title=title,
        description="",
        starts_at=NOW + timedelta(days=2),
        timezone="UTC",
        place="Town square",
        latitude=45.25,
        longitude=19.85,
        capacity=None,
        reminder_minutes=(),
        campaign_id=campaign_id,
    )
    return await store.create_action(new, ORGANISER, [], NOW)


async def a_report(
    store: Store,
    user_id: int,
    action_id: int | None = None,
    text: str = "We were forty",
    media: tuple[ReportMedia, ...] = (),
) -> int:
    """A submitted report; its id."""
    draft = await store.open_draft(user_id, NOW)
    await store.update_draft(
        draft.id, {"action_id": action_id, "action_chosen": 1, "text": text}, NOW
    )
    for one in media:
        assert await store.add_report_media(draft.id, one)
    assert await store.submit_report(draft.id, NOW)
    return draft.id


async def test_every_report_and_rsvp_is_there(
    store: Store, make_member: MemberFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "BATCH", 2)  # several batches, as a large export has
    ana, ben = await make_member("Ana"), await make_member("Ben")
    rally, picket = await an_action(store, "River Rally"), await an_action(store, "Picket")
    ids = [
        await a_report(store, ana.user_id, rally.id, "Rally one"),
        await a_report(store, ben.user_id, rally.id, "Rally two"),
        await a_report(store, ana.user_id, picket.id, "Picket"),
        await a_report(store, ben.user_id, None, "Leaflets"),
        await a_report(store, ana.user_id, None, "More leaflets"),
    ]
    await store.answer_rsvp(rally.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(rally.id, ben.user_id, Answer.MAYBE, NOW)
    await store.answer_rsvp(picket.id, ben.user_id, Answer.NOT_GOING, NOW)
    draft = await store.open_draft(ana.user_id, NOW)  # not submitted: not exported
    await store.update_draft(draft.id, {"text": "Still writing"}, NOW)

    path = tmp_path / "exports" / "all.zip"
    result, opened = await export(store, path)

    assert (result.reports, result.rsvps, result.files) == (5, 3, 0)
    assert result.path == path and result.size == path.stat().st_size
    assert [int(row["report"]) for row in opened.rows] == ids
    assert [(row["action"], row["text"]) for row in opened.rows] == [
        ("River Rally", "Rally one"),
        ("River Rally", "Rally two"),
        ("Picket", "Picket"),
        ("no particular action", "Leaflets"),
        ("no particular action", "More leaflets"),
    ]
    assert all(row["status"] == "pending" for row in opened.rows)
    assert "Still writing" not in opened.page
    assert [record["report"] for record in opened.records] == ids
    assert [record["text"] for record in opened.records] == [row["text"] for row in opened.rows]
    assert all(f"#{report_id} ·" in opened.page for report_id in ids)
    assert sorted((row["action"], row["answer"]) for row in opened.rsvps) == [
        ("Picket", "not_going"),
        ("River Rally", "going"),
        ("River Rally", "maybe"),
    ]
    geo = json.loads(opened.files["actions.geojson"])
    assert {f["properties"]["title"] for f in geo["features"]} == {"River Rally", "Picket"}


async def test_media_go_in_cleaned_and_the_page_shows_each_as_what_it_is(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    media = (
        item("photo", 1),
        item("video", 2),
        item("animation", 3),
        item("voice", 4),
        item("document", 5, "image/png"),
    )
    report_id = await a_report(store, ana.user_id, media=media)
    downloads = Downloads(
        {
            "file-1": jpeg_with_gps(),
            "file-2": filmed_with_gps(),
            "file-3": animation(),
            "file-4": b"OggS voice",
            "file-5": png_with_text(),
        }
    )

    result, opened = await export(store, tmp_path / "out.zip", fetch=downloads)

    base = f"media/report-{report_id:06d}"
    names = [
        f"{base}-01.jpg",
        f"{base}-02.mp4",
        f"{base}-03.mp4",
        f"{base}-04.ogg",
        f"{base}-05.png",
    ]
    assert (result.files, result.left_out) == (5, 0)
    assert opened.media == names
    assert opened.row(report_id)["media_files"] == ";".join(names)
    assert opened.row(report_id)["media_left_out"] == ""
    assert opened.record(report_id)["media_files"] == names
    assert opened.record(report_id)["media_left_out"] == []
    assert_clean(opened.files[f"{base}-01.jpg"])
    assert_clean(opened.files[f"{base}-05.png"])
    # Videos go in as they were filmed, less where and when (and any GPS track).
    for video in (f"{base}-02.mp4", f"{base}-03.mp4"):
        assert PLACE.encode() not in opened.files[video]
        assert "location" not in described(opened.files[video])
    assert "Audio" in described(opened.files[f"{base}-02.mp4"])
    shown = set(re.findall(r'<(img|video|audio) [^>]*src="([^"]+)"', opened.page))
    assert shown == {
        ("img", f"{base}-01.jpg"),
        ("video", f"{base}-02.mp4"),
        ("video", f"{base}-03.mp4"),
        ("audio", f"{base}-04.ogg"),
        ("img", f"{base}-05.png"),
    }


async def test_what_cannot_go_in_is_listed_with_its_reason(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    media = (
        item("photo", 1),  # goes in
        item("photo", 2),  # its download fails
        item("document", 3, "image/heic"),  # cannot be read to be cleaned
        item("video", 4),  # ffmpeg cannot copy it without its metadata
        item("document", 5, "application/pdf"),  # not a picture
        item("document", 6, "video/mp4"),  # a video sent as a file
        item("photo", 7, size=30 * 1024 * 1024),  # more than a bot may download
        item("document", 8, "image/png"),  # too large to clean safely
    )
    report_id = await a_report(store, ana.user_id, media=media)
    huge = io.BytesIO()
    Image.new("L", (5000, 5000)).save(huge, "PNG")  # 25 MP in 25 KB
    downloads = Downloads(
        {
            "file-1": jpeg_with_gps(),
            "file-2": ExportError("Telegram said no"),
            "file-3": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),
            "file-4": NOT_A_VIDEO,
            "file-8": huge.getvalue(),
        }
    )

    result, opened = await export(store, tmp_path / "out.zip", fetch=downloads)

    reasons = [
        t("export.left.download_failed"),
        t("export.left.unreadable"),
        "a video whose metadata (which can include where it was filmed) could not be removed",
        t("export.left.file"),
        t("export.left.video_file"),
        t("export.left.too_big"),
        "a picture too large to clean safely: 25.0 megapixels"
        " (the limit for a picture like this one is 16 megapixels)",
    ]
    kept = f"media/report-{report_id:06d}-01.jpg"
    assert (result.files, result.left_out) == (1, 7)
    assert opened.media == [kept]
    assert opened.row(report_id)["media_files"] == kept
    assert opened.row(report_id)["media_left_out"] == ";".join(reasons)
    assert opened.record(report_id)["media_files"] == [kept]
    assert opened.record(report_id)["media_left_out"] == reasons
    assert all(html.escape(reason) in opened.page for reason in reasons)
    # What is left out for what it is, is not even downloaded.
    assert sorted(downloads.asked) == ["file-1", "file-2", "file-3", "file-4", "file-8"]


async def test_without_downloads_every_item_is_left_out(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    first = await a_report(store, ana.user_id, media=(item("photo", 1), item("video", 2)))
    second = await a_report(store, ana.user_id, media=(item("voice", 3),))

    result, opened = await export(store, tmp_path / "out.zip")

    no_token = t("export.left.no_token")
    assert (result.files, result.left_out) == (0, 3)
    assert opened.media == []
    assert opened.row(first)["media_left_out"] == f"{no_token};{no_token}"
    assert opened.row(second)["media_left_out"] == no_token
    assert opened.row(first)["media_files"] == opened.row(second)["media_files"] == ""
    assert opened.record(first)["media_left_out"] == [no_token, no_token]
    assert opened.record(second)["media_files"] == []


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x.example","Click")', "+1 555 0100", "-2 people", "@SUM(A1)", "\tx"],
)
async def test_a_formula_runs_in_no_spreadsheet_but_the_json_keeps_it(
    store: Store, make_member: MemberFactory, tmp_path: Path, text: str
) -> None:
    ana = await make_member()
    action = await an_action(store, "=1+1")
    report_id = await a_report(store, ana.user_id, action.id, text)
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)

    _, opened = await export(store, tmp_path / "out.zip")

    assert opened.row(report_id)["text"] == "'" + text
    assert opened.row(report_id)["action"] == "'=1+1"
    assert opened.rsvps[0]["action"] == "'=1+1"
    assert opened.record(report_id)["text"] == text
    assert opened.record(report_id)["action"] == "=1+1"


async def test_the_export_of_one_action_or_one_campaign_has_only_that(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    housing, _ = await store.open_campaign("Housing", ORGANISER, NOW)
    rally = await an_action(store, "Rally", housing.id)
    picket = await an_action(store, "Picket", housing.id)
    march = await an_action(store, "March")
    reports: dict[str, int] = {}
    for n, action in enumerate((rally, picket, march), start=1):
        media = (item("photo", n),)
        reports[action.title] = await a_report(store, ana.user_id, action.id, action.title, media)
        await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await a_report(store, ana.user_id, None, "Other")
    progress: list[tuple[int, int]] = []

    async def told(done: int, total: int) -> None:
        progress.append((done, total))

    scopes = [(rally.id, None, ["Rally"]), (None, housing.id, ["Rally", "Picket"])]
    for action_id, campaign_id, expected in scopes:
        downloads = Downloads({f"file-{n}": jpeg_with_gps() for n in (1, 2, 3)})
        progress.clear()
        result, opened = await export(
            store,
            tmp_path / "out.zip",
            fetch=downloads,
            progress=told,
            action_id=action_id,
            campaign_id=campaign_id,
        )
        count = len(expected)
        assert [row["text"] for row in opened.rows] == expected
        assert [record["text"] for record in opened.records] == expected
        assert [row["action"] for row in opened.rsvps] == expected
        assert (result.reports, result.rsvps, result.files) == (count, count, count)
        assert opened.media == sorted(
            f"media/report-{reports[title]:06d}-01.jpg" for title in expected
        )
        assert len(downloads.asked) == count
        assert progress[-1] == (count, count)
        geo = json.loads(opened.files["actions.geojson"])
        assert sorted(f["properties"]["title"] for f in geo["features"]) == sorted(expected)
        assert "March" not in opened.page and "Other" not in opened.page


async def test_a_failure_midway_leaves_no_partial_file(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    await a_report(store, ana.user_id, media=(item("photo", 1), item("photo", 2)))
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "out.zip").write_bytes(b"the export of last week")
    downloads = Downloads({"file-1": jpeg_with_gps(), "file-2": RuntimeError("disk on fire")})

    with pytest.raises(RuntimeError):
        await export(store, folder / "out.zip", fetch=downloads)

    # Nothing half-written stays; an older complete export is replaced only by a complete one.
    assert [path.name for path in folder.iterdir()] == ["out.zip"]
    assert (folder / "out.zip").read_bytes() == b"the export of last week"


async def test_progress_ends_with_every_item_done(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    media = (item("photo", 1), item("document", 2, "application/pdf"), item("video", 3))
    await a_report(store, ana.user_id, media=media)
    await a_report(store, ana.user_id, media=(item("photo", 4), item("voice", 5)))
    downloads = Downloads(
        {
            "file-1": jpeg_with_gps(),
            "file-3": animation(),
            "file-4": ExportError("gone"),
            "file-5": b"OggS",
        }
    )
    progress: list[tuple[int, int]] = []

    async def told(done: int, total: int) -> None:
        progress.append((done, total))

    await export(store, tmp_path / "out.zip", fetch=downloads, progress=told)

    assert progress[-1] == (5, 5)
    assert {total for _, total in progress} == {5}
    done = [done for done, _ in progress]
    assert done == sorted(set(done))  # only ever forward


async def test_a_full_disk_is_an_export_failure_and_leaves_nothing(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana = await make_member()
    await a_report(store, ana.user_id, media=(item("photo", 1), item("photo", 2)))
    full = OSError(errno.ENOSPC, "No space left on device")
    downloads = Downloads({"file-1": jpeg_with_gps(), "file-2": full})

    with pytest.raises(ExportError, match="No space left"):
        await export(store, tmp_path / "exports" / "out.zip", fetch=downloads)

    assert list((tmp_path / "exports").iterdir()) == []


async def test_progress_reaches_the_total_when_the_last_items_are_left_out(
    store: Store, make_member: MemberFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "BATCH", 1)
    ana = await make_member()
    await a_report(store, ana.user_id, media=(item("photo", 1),))
    await a_report(store, ana.user_id, media=(item("document", 2, "application/pdf"),))
    progress: list[tuple[int, int]] = []

    async def told(done: int, total: int) -> None:
        progress.append((done, total))

    await export(
        store, tmp_path / "out.zip", fetch=Downloads({"file-1": jpeg_with_gps()}), progress=told
    )

    assert progress[-1] == (2, 2)


async def test_members_appear_by_pseudonym_and_by_name_only_if_they_chose_it(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    ana, ben = await make_member("Anastasia"), await make_member("Bernardo")
    await store.set_show_name(ben.user_id, True, NOW)
    action = await an_action(store, "Rally")
    anas = await a_report(store, ana.user_id, action.id)
    bens = await a_report(store, ben.user_id, action.id)
    await store.answer_rsvp(action.id, ana.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(action.id, ben.user_id, Answer.GOING, NOW)
    key = await store.pseudonym_key()

    _, opened = await export(store, tmp_path / "out.zip")

    ana_is, ben_is = pseudonym(key, ana.user_id), pseudonym(key, ben.user_id)
    assert opened.row(anas)["member"] == opened.record(anas)["member"] == ana_is
    assert opened.row(bens)["member"] == opened.record(bens)["member"] == f"{ben_is} (Bernardo)"
    assert sorted(row["member"] for row in opened.rsvps) == sorted([ana_is, ben_is])
    assert ana_is in opened.page and f"{ben_is} (Bernardo)" in opened.page
    everything = b"".join(opened.files.values())
    assert b"Anastasia" not in everything
    for member in (ana, ben):
        assert str(member.user_id).encode() not in everything


def test_leftovers_of_an_export_killed_midway_are_removed_and_nothing_else(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    scratch = folder / ".export-k3j2"
    scratch.mkdir(parents=True)
    (scratch / "photo-1.jpg").write_bytes(b"a member's face")
    (folder / "turnout-all-20261204.zip.partial").write_bytes(b"PK half")
    (folder / "turnout-all-20261203.zip").write_bytes(b"PK a complete export")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / ".export-link").symlink_to(elsewhere)  # never followed

    assert archive.remove_leftovers(folder) == 2
    assert sorted(path.name for path in folder.iterdir()) == [
        ".export-link",
        "turnout-all-20261203.zip",
    ]
    assert elsewhere.is_dir()
    assert archive.remove_leftovers(tmp_path / "missing") == 0


async def test_actions_csv_has_each_actions_day_in_counts_and_nobody_in_it(
    store: Store, make_member: MemberFactory, tmp_path: Path, db_path: Path
) -> None:
    people = [await make_member(name) for name in ("Ana", "Ben", "Cleo", "Dan", "Eva", "Fil")]
    ana, ben, cleo, dan, eva, fil = people
    rally, picket = await an_action(store, "River Rally"), await an_action(store, "-Picket")
    for member in people:
        await store.answer_rsvp(rally.id, member.user_id, Answer.GOING, NOW)
    await store.answer_rsvp(picket.id, fil.user_id, Answer.GOING, NOW)
    for member in (ana, ben, cleo, dan, eva):
        await store.check_in(rally.id, member.user_id, rally.starts_at, confirmed=member is ana)
    answer_safety(
        db_path, rally.id, {ben.user_id: "help", cleo.user_id: "safe", dan.user_id: "safe"}
    )
    await a_report(store, ana.user_id, rally.id)
    await a_report(store, fil.user_id, picket.id)
    await a_report(store, fil.user_id, picket.id)

    _, opened = await export(store, tmp_path / "out.zip")

    actions = sheet(opened.files["actions.csv"])
    assert [row["action"] for row in actions] == ["River Rally", "'-Picket"]
    held, picketed = actions
    end = NOW + timedelta(days=2, hours=2)
    assert held == held | {
        "action_id": str(rally.id),
        "status": "planned",
        "starts_utc": (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ends_utc": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ends_local": end.strftime("%Y-%m-%d %H:%M UTC"),
        "place": "Town square",
        "going": "6",
        "here": "5",
        "here_confirmed": "1",
        "safety_check": "asked",
        "safe": "2",
        "need_help": "1",
        "no_answer": "2",
        "reports": "1",
        "reports_per_attendee": "0.2",
        "attendees_counted": "here",
    }
    # Nobody checked in, no safety check asked: reports per those going, no answers at all.
    assert picketed == picketed | {
        "going": "1",
        "here": "0",
        "safety_check": "not_asked",
        "safe": "",
        "need_help": "",
        "no_answer": "",
        "reports": "2",
        "reports_per_attendee": "2.0",
        "attendees_counted": "going",
    }
    geo = json.loads(opened.files["actions.geojson"])
    rally_point = next(
        f["properties"] for f in geo["features"] if f["properties"]["id"] == rally.id
    )
    assert rally_point["ends_utc"] == end.isoformat()
    assert (rally_point["here"], rally_point["need_help"], rally_point["no_answer"]) == (5, 1, 2)
    # Counts only: who checked in, or needed help, is nowhere; the answers keep their columns.
    key = await store.pseudonym_key()
    everything = b"".join(opened.files.values())
    for member in people:
        assert str(member.user_id).encode() not in everything
    assert list(opened.rsvps[0]) == archive.RSVP_COLUMNS
    for name in ("actions.csv", "actions.geojson"):
        assert pseudonym(key, ben.user_id).encode() not in opened.files[name]


async def test_the_safety_answers_of_a_few_are_withheld_lest_a_count_name_someone(
    store: Store, make_member: MemberFactory, tmp_path: Path, db_path: Path
) -> None:
    """Two going, both here, one needed help: with the going list in rsvps.csv, "1 needs
    help" would be one of two named people; one alone would be named outright."""
    ana, ben = await make_member("Ana"), await make_member("Ben")
    rally = await an_action(store, "Rally")
    for member in (ana, ben):
        await store.answer_rsvp(rally.id, member.user_id, Answer.GOING, NOW)
        await store.check_in(rally.id, member.user_id, rally.starts_at)
    answer_safety(db_path, rally.id, {ana.user_id: "help", ben.user_id: "safe"})

    _, opened = await export(store, tmp_path / "out.zip")

    [row] = sheet(opened.files["actions.csv"])
    assert (row["here"], row["safety_check"]) == ("2", "withheld")
    assert (row["safe"], row["need_help"], row["no_answer"]) == ("", "", "")
    [point] = json.loads(opened.files["actions.geojson"])["features"]
    assert point["properties"]["safety_check"] == "withheld"
    assert point["properties"]["need_help"] is None


async def test_the_export_of_one_action_lists_only_that_action(
    store: Store, make_member: MemberFactory, tmp_path: Path
) -> None:
    housing, _ = await store.open_campaign("Housing", ORGANISER, NOW)
    rally = await an_action(store, "Rally", housing.id)
    await an_action(store, "Picket", housing.id)
    await an_action(store, "March")

    _, one = await export(store, tmp_path / "one.zip", action_id=rally.id)
    _, campaign = await export(store, tmp_path / "campaign.zip", campaign_id=housing.id)

    assert [row["action"] for row in sheet(one.files["actions.csv"])] == ["Rally"]
    assert [row["action"] for row in sheet(campaign.files["actions.csv"])] == ["Rally", "Picket"]
