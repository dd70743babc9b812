-- Channels and groups the bot posts calls to (README, "Channels and calls").
CREATE TABLE channels (
    chat_id      INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL,
    username     TEXT,
    kind         TEXT    NOT NULL CHECK (kind IN ('channel', 'group', 'supergroup')),
    linked_by    INTEGER NOT NULL,
    linked_at    TEXT    NOT NULL,
    -- 0 once the bot was removed or lost the right to post; set again when it is relinked.
    can_post     INTEGER NOT NULL DEFAULT 1 CHECK (can_post IN (0, 1)),
    updated_at   TEXT    NOT NULL
) STRICT;
