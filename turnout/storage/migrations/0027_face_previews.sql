-- Faces covered before a report is published (TURNOUT_BLUR_FACES, README "Faces"): the media
-- with their faces covered, as the organiser was shown them before choosing "Publish blurred"
-- or "Publish as is". Each item is the file id of the bot's own upload of the covered copy
-- (or of the member's, where nothing was covered), so that the channel gets exactly what was
-- shown, even after a restart. Gone with its report.
CREATE TABLE publication_previews (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    made_at TEXT NOT NULL,
    -- [{"kind": "photo" | "video" | "animation", "file_id": "...", "faces": 2}, ...]
    items TEXT NOT NULL,
    -- Why each item left out of the covered version was: [{"reason", "params", "unit"}, ...]
    left_out TEXT NOT NULL
);
CREATE INDEX publication_previews_by_report ON publication_previews (report_id);
