-- When an organiser decided about a report (reports.reviewer says who).
ALTER TABLE reports ADD COLUMN reviewed_at TEXT;

-- The review queue: oldest pending first, optionally of one action.
CREATE INDEX reports_by_action ON reports (action_id, status, id);
