-- When each member submitted a report, for TURNOUT_REPORT_RATE: a withdrawn report is deleted
-- with its row in `reports`, and counting `reports` alone let a member submit, withdraw and
-- submit again without end. Rows older than a day are pruned as new ones come; /forgetme
-- deletes a member's.
CREATE TABLE report_submissions (
    user_id      INTEGER NOT NULL,
    submitted_at TEXT    NOT NULL
) STRICT;

INSERT INTO report_submissions (user_id, submitted_at)
    SELECT user_id, submitted_at FROM reports WHERE submitted_at IS NOT NULL;

CREATE INDEX report_submissions_by_member ON report_submissions (user_id, submitted_at);
