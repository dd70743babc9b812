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

-- 1 once the review chat was told of the report. Reports submitted before this migration were
-- announced one by one already.
ALTER TABLE reports ADD COLUMN review_noticed INTEGER NOT NULL DEFAULT 0
    CHECK (review_noticed IN (0, 1));
UPDATE reports SET review_noticed = 1 WHERE status != 'draft';
