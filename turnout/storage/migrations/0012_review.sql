-- When an organiser decided about a report (reports.reviewer says who).
ALTER TABLE reports ADD COLUMN reviewed_at TEXT;

-- The review queue: oldest pending first, optionally of one action.
CREATE INDEX reports_by_action ON reports (action_id, status, id);

-- Where an approved report was published. The row is claimed before posting, so two organisers
-- pressing "Publish" at once post it once.
CREATE TABLE report_publications (
    report_id     INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL,
    published_by  INTEGER NOT NULL,
    published_at  TEXT    NOT NULL,
    PRIMARY KEY (report_id, channel_id)
) STRICT;
