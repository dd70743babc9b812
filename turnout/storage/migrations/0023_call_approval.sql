-- The two-person rule for broadcasts (README, "The two-person rule"). A call the rule applies to
-- waits as 'awaiting' (with its publish_at when it is scheduled) until a second broadcaster or
-- organiser approves it; `approved_by` keeps who did, for the audit entry written when it goes
-- out. SQLite cannot change a CHECK constraint in place, so the table is built anew, the same
-- columns in the same order, with the new status and column.
CREATE TABLE calls_new (
    id              INTEGER PRIMARY KEY,
    author          INTEGER NOT NULL,
    text            TEXT    NOT NULL DEFAULT '',
    entities        TEXT    NOT NULL DEFAULT '[]',
    media           TEXT    NOT NULL DEFAULT '[]',
    action_id       INTEGER REFERENCES actions (id) ON DELETE SET NULL,
    targets         TEXT    NOT NULL DEFAULT '[]',
    to_subscribers  INTEGER NOT NULL DEFAULT 0 CHECK (to_subscribers IN (0, 1)),
    status          TEXT    NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'awaiting', 'scheduled', 'published', 'deleted')),
    publish_at      TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    campaign_id     INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    approved_by     INTEGER
) STRICT;

INSERT INTO calls_new (id, author, text, entities, media, action_id, targets, to_subscribers,
                       status, publish_at, created_at, updated_at, campaign_id)
SELECT id, author, text, entities, media, action_id, targets, to_subscribers,
       status, publish_at, created_at, updated_at, campaign_id
FROM calls;

DROP TABLE calls;
ALTER TABLE calls_new RENAME TO calls;

CREATE INDEX calls_scheduled ON calls (publish_at) WHERE status = 'scheduled';
CREATE INDEX calls_awaiting ON calls (publish_at) WHERE status = 'awaiting';

-- Each request for a second person's approval: to publish a call (kind 'publish'), or to change
-- the text of one already published (kind 'edit', with the new text kept here until approved).
-- The buttons the approvers get carry the request's id, never reused (AUTOINCREMENT): a newer
-- request voids the older ones of the same call, so an approval is of exactly what was shown.
CREATE TABLE call_approvals (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('publish', 'edit')),
    requested_by  INTEGER NOT NULL,
    text          TEXT,
    entities      TEXT,
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'refused', 'void', 'missed')),
    decided_by    INTEGER,
    created_at    TEXT    NOT NULL,
    decided_at    TEXT
) STRICT;

CREATE INDEX call_approvals_pending ON call_approvals (call_id) WHERE status = 'pending';

-- A member who uses /forgetme leaves these records as "someone forgotten" (0), as their other
-- staff columns do (storage/privacy.py); the audit entries that name them as the approver too.
CREATE TRIGGER call_approvals_forget AFTER DELETE ON members BEGIN
    UPDATE call_approvals SET requested_by = 0 WHERE requested_by = OLD.user_id;
    UPDATE call_approvals SET decided_by = 0 WHERE decided_by = OLD.user_id;
    UPDATE calls SET approved_by = 0 WHERE approved_by = OLD.user_id;
    UPDATE audit_log SET detail = json_set(detail, '$.approved_by', 0)
    WHERE json_extract(detail, '$.approved_by') = OLD.user_id;
END;
