"""``/export`` and ``turnout export``: a ZIP an organiser can open anywhere, with no metadata."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import zipfile
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import TOKEN, RunningBot, environment, started, text_of
from tests.e2e.test_actions import organiser_of
from tests.e2e.test_cli import turnout
from tests.e2e.test_reports import an_action, begin
from tests.e2e.test_review import submit
from tests.unit.test_clean import assert_clean, jpeg_with_gps
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Answer

VOID = {"meta", "br", "img", "input", "link", "hr", "source"}


class PageCheck(HTMLParser):
    """Collects every referenced file and checks that elements are closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.references: list[str] = []
        self.problems: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.references.append(value)
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


async def a_gps_photo_as_a_file(member: FakeUser) -> None:
    await begin(member, "River Rally")
    await member.send("Photos from the bridge")
    await member.reply()
    await member.send_document(jpeg_with_gps(), file_name="IMG_0001.jpg", mime_type="image/jpeg")
    await member.reply()
    await member.send_document(
        b"%PDF-1.4 minutes", file_name="minutes.pdf", mime_type="application/pdf"
    )
    await member.reply()
    await member.send_location(45.2671, 19.8335)
    await member.reply()
    await member.send("/done")
    await member.reply()
    await member.press("Submit")
    await member.callback_answer()
    await member.reply()


async def test_an_export_has_every_report_and_no_metadata(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    rally = await an_action(bot, "River Rally")
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await started(ben)
    first = await submit(ana, "River Rally", text='We were <b>300</b>, "quoted"', photos=1, album=3)
    await a_gps_photo_as_a_file(ben)
    await submit(ben, "Other", text="Leaflets")
    data = bot.services
    await data.store.answer_rsvp(
        rally.id, ana.id, Answer.MAYBE, rally.starts_at - timedelta(hours=1)
    )

    await olga.send("/export")
    status = await olga.reply()
    assert text_of(status) == "Preparing the export…"
    document = await telegram.wait_for_call("sendDocument", timeout=20)
    [upload] = document.files.values()
    archive = zipfile.ZipFile(io.BytesIO(upload.content))
    names = set(archive.namelist())
    assert {"reports.csv", "reports.json", "rsvps.csv", "index.html"} <= names
    media = sorted(n for n in names if n.startswith("media/"))
    assert len(media) == 5  # 1 photo + an album of 3 + the cleaned JPEG; the PDF is left out

    rows = list(csv.DictReader(io.StringIO(archive.read("reports.csv").decode())))
    assert len(rows) == 3
    by_id = {int(row["report"]): row for row in rows}
    assert by_id[first]["text"] == 'We were <b>300</b>, "quoted"'
    assert by_id[first]["action"] == "River Rally" and by_id[first]["status"] == "pending"
    assert len(by_id[first]["media_files"].split(";")) == 4
    gps_row = next(row for row in rows if row["latitude"])
    assert gps_row["latitude"] == "45.267100"
    assert "may carry its author's metadata" in gps_row["media_left_out"]
    for row in rows:
        assert row["member"].startswith("Member ")
        assert row["submitted_utc"].endswith("Z")
    everything = b"".join(archive.read(name) for name in names if not name.startswith("media/"))
    for secret in (b"Ana", b"Ben", str(ana.id).encode(), str(ben.id).encode()):
        assert secret not in everything

    [cleaned] = [archive.read(name) for name in gps_row["media_files"].split(";")]
    assert_clean(cleaned)

    records = json.loads(archive.read("reports.json"))
    assert [r["report"] for r in records] == sorted(by_id)
    assert records[0]["media_files"] == by_id[first]["media_files"].split(";")

    rsvps = list(csv.DictReader(io.StringIO(archive.read("rsvps.csv").decode())))
    assert [(r["action"], r["answer"]) for r in rsvps] == [("River Rally", "maybe")]

    check = PageCheck()
    check.feed(archive.read("index.html").decode())
    check.close()
    assert check.doctype and not check.problems and not check.open
    assert check.references and set(check.references) <= names  # only files inside the ZIP
    assert "<b>300</b>" not in archive.read("index.html").decode()  # user text escaped

    finished = await olga.edit(timeout=10)
    while "Preparing" in text_of(finished):  # progress, then the summary
        finished = await olga.edit(timeout=10)
    assert "Export ready: 3 reports, 1 RSVP and 5 files (1 left out" in text_of(finished)
    exports = bot.settings.database.parent / "exports"
    await asyncio.sleep(0.2)
    assert not list(exports.glob("*.zip"))  # sent, so not kept on the server
    assert bot.rows("SELECT action FROM audit_log WHERE action LIKE 'export%'") == [
        ("export:made",)
    ]


async def test_an_export_of_one_action_only(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    rally = await an_action(bot, "River Rally")
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await submit(ana, "River Rally", text="Rally")
    await submit(ana, "Other", text="Other")
    await olga.send(f"/export {rally.id}")
    await olga.reply()
    document = await telegram.wait_for_call("sendDocument", timeout=20)
    [upload] = document.files.values()
    rows = list(
        csv.DictReader(
            io.StringIO(zipfile.ZipFile(io.BytesIO(upload.content)).read("reports.csv").decode())
        )
    )
    assert [row["text"] for row in rows] == ["Rally"]
    assert (await olga.reply())["document"]["file_name"].startswith(f"turnout-{rally.id}-")
    await olga.send("/export 999")
    assert "There is no action 999" in text_of(await olga.reply())


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 20}


async def test_the_command_line_export_without_a_token_has_no_media(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, tmp_path: Path
) -> None:
    await an_action(bot, "River Rally")
    await started(ana)
    await submit(ana, "River Rally", text="Rally", photos=2)
    await submit(ana, "Other", text='=HYPERLINK("http://x.example","Click")')
    out = tmp_path / "out" / "export.zip"
    result = await asyncio.to_thread(
        turnout, "export", "--out", str(out), env=environment(database=str(bot.settings.database))
    )
    assert result.returncode == 0, result.stderr
    assert "2 reports, 0 RSVPs, 0 files (2 left out)" in result.stdout
    archive = zipfile.ZipFile(out)
    row, formula = list(csv.DictReader(io.StringIO(archive.read("reports.csv").decode())))
    assert row["media_files"] == ""
    assert row["media_left_out"].count("exported without a bot token") == 2
    # Member text never runs as a spreadsheet formula; the JSON keeps it as written.
    assert formula["text"] == '\'=HYPERLINK("http://x.example","Click")'
    assert json.loads(archive.read("reports.json"))[1]["text"].startswith("=HYPERLINK")


async def test_an_export_too_big_to_send_stays_on_the_server(
    bot: RunningBot,
    telegram: FakeTelegram,
    owner: FakeUser,
    ana: FakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import turnout.handlers.export

    monkeypatch.setattr(turnout.handlers.export, "BOT_UPLOAD_BYTES", 100)  # bytes, for the test
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await submit(ana, "Other", text="Rally")
    await olga.send("/export")
    await olga.reply()
    finished = await olga.edit(timeout=10)
    while "Preparing" in text_of(finished):
        finished = await olga.edit(timeout=10)
    [kept] = list((bot.settings.database.parent / "exports").glob("turnout-all-*.zip"))
    assert f"kept on the server: {kept}" in text_of(finished)
    assert zipfile.ZipFile(kept).read("reports.csv").count(b"\n") == 2
    assert not telegram.calls_to("sendDocument")


async def test_the_command_line_export_with_a_token_downloads_the_media(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser, tmp_path: Path
) -> None:
    await started(ana)
    await submit(ana, "Other", text="With photos", photos=2)
    out = tmp_path / "export.zip"
    env = environment(
        database=str(bot.settings.database),
        bot_token=TOKEN,
        api_base_url=telegram.base_url,
        api_file_url=telegram.base_file_url,
    )
    result = await asyncio.to_thread(turnout, "export", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "1 report, 0 RSVPs, 2 files (0 left out)" in result.stdout
    archive = zipfile.ZipFile(out)
    files = [name for name in archive.namelist() if name.startswith("media/")]
    assert len(files) == 2
    for name in files:
        assert_clean(archive.read(name))
