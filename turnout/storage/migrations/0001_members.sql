-- Everyone who opened the bot in a private chat. Only what the README's "What the bot
-- stores" says is kept.
CREATE TABLE members (
    user_id     INTEGER PRIMARY KEY,
    first_name  TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    timezone    TEXT    NOT NULL,
    subscribed  INTEGER NOT NULL DEFAULT 0 CHECK (subscribed IN (0, 1)),
    reachable   INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX members_subscribed ON members (subscribed, reachable);
