"""What an organiser is told of an export: how far it got, and what it holds."""

from __future__ import annotations

from babel.units import format_unit

from turnout.i18n import Html, Translator
from turnout.views.timefmt import babel_locale


def export_progress(t: Translator, done: int, total: int) -> str:
    """ "Preparing the export: 3 of 12 files downloaded…" (the noun agrees with the total)."""
    return t.plural("export.progress", total, done=done)


def export_summary(t: Translator, reports: int, rsvps: int, files: int, left_out: int) -> str:
    """ "Export ready: 3 reports, 1 RSVP and 5 files (1 left out, with its reason…)."""
    counts = {
        "reports": Html(t.plural("count.reports", reports)),
        "rsvps": Html(t.plural("count.rsvps", rsvps)),
        "files": Html(t.plural("count.files", files)),
    }
    if not left_out:
        return t("export.summary_complete", **counts)
    return t("export.summary", left_out=Html(t.plural("export.left_out", left_out)), **counts)


def faces_line(t: Translator, faces: int, *, covered: bool, originals: bool) -> str:
    """After the summary: the faces covered in the media, or the warning that they were not
    (the organiser asked for the originals where faces are covered); else nothing."""
    if covered:
        return "\n" + t.plural("export.faces_covered", faces)
    if originals:
        return "\n" + t("export.originals_warning")
    return ""


def kept_on_server(t: Translator, size: int, path: str) -> str:
    """Too large for Telegram: its size ("130 MB", "130 Mo") and where it is."""
    megabytes = format_unit(
        round(size / 1024 / 1024),
        "digital-megabyte",
        length="short",
        locale=babel_locale(t.language),
    )
    return t("export.kept_on_server", size=megabytes, path=path)
