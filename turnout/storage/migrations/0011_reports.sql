-- Reports members send after an action, built up as a draft that survives restarts.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    action_id     INTEGER REFERENCES actions (id) ON DELETE SET NULL,
    -- 1 once the member chose (an action, or "Other"); a draft is not filled before that.
    action_chosen INTEGER NOT NULL DEFAULT 0 CHECK (action_chosen IN (0, 1)),
    text          TEXT    NOT NULL DEFAULT '',
    latitude      REAL,
    longitude     REAL,
    status        TEXT    NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'flagged')),
    review_note   TEXT,
    reviewer      INTEGER,
    created_at    TEXT    NOT NULL,
    submitted_at  TEXT,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX reports_one_draft ON reports (user_id) WHERE status = 'draft';
CREATE INDEX reports_by_status ON reports (status, submitted_at);

CREATE TABLE report_media (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL
                    CHECK (kind IN ('photo', 'video', 'document', 'voice', 'animation')),
    file_id         TEXT    NOT NULL,
    file_unique_id  TEXT    NOT NULL,
    size            INTEGER,
    mime            TEXT,
    width           INTEGER,
    height          INTEGER,
    duration        INTEGER,
    caption         TEXT,
    media_group_id  TEXT,
    -- The member's message: media are kept in the order they were sent, and a message
    -- delivered twice is stored once.
    message_id      INTEGER NOT NULL,
    UNIQUE (report_id, message_id)
) STRICT;

-- A random key made once per installation, for the pseudonyms organisers see.
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
) STRICT;

INSERT INTO secrets (name, value) VALUES ('pseudonym_key', randomblob(32));
