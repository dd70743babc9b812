-- The outbox (README, "The outbox"): one row per message to one chat, for one purpose. The
-- unique key makes enqueuing idempotent; the status makes sending survive a crash.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    purpose     TEXT    NOT NULL,
    chat_id     INTEGER NOT NULL,
    payload     TEXT    NOT NULL,
    due_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    message_id  INTEGER,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (purpose, chat_id)
) STRICT;

-- What the dispatcher asks for: the pending rows that are due, oldest first.
CREATE INDEX deliveries_pending ON deliveries (due_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries (status);
