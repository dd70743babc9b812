-- Calls to action and statements, composed once and posted to channels and subscribers. Each
-- copy is an outbox row (purpose "call:<id>:…"), which keeps the chat and message id needed to
-- edit or delete it later.
CREATE TABLE calls (
    id              INTEGER PRIMARY KEY,
    author          INTEGER NOT NULL,
    text            TEXT    NOT NULL DEFAULT '',
    entities        TEXT    NOT NULL DEFAULT '[]',
    media           TEXT    NOT NULL DEFAULT '[]',
    action_id       INTEGER REFERENCES actions (id) ON DELETE SET NULL,
    targets         TEXT    NOT NULL DEFAULT '[]',
    to_subscribers  INTEGER NOT NULL DEFAULT 0 CHECK (to_subscribers IN (0, 1)),
    status          TEXT    NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'scheduled', 'published', 'deleted')),
    publish_at      TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

CREATE INDEX calls_scheduled ON calls (publish_at) WHERE status = 'scheduled';
