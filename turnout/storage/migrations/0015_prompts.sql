-- Questions the bot asked one person and waits for an answer to (docs/ARCHITECTURE.md,
-- "Prompts"). One open prompt per person: a new flow replaces the old one. The id is never
-- reused (AUTOINCREMENT), because buttons carry it: a button of an earlier question must not
-- answer a later one. ``data`` is the flow's draft as JSON; it lives only while the question
-- is open, and goes with the row.
CREATE TABLE prompts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL UNIQUE,
    chat_id     INTEGER NOT NULL,
    flow        TEXT    NOT NULL,
    step        TEXT    NOT NULL,
    data        TEXT    NOT NULL DEFAULT '{}',
    message_id  INTEGER,
    opened_at   TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX prompts_expiry ON prompts (expires_at);
