-- One-time deep links that grant a role to whoever opens them first.
CREATE TABLE invites (
    token       TEXT    PRIMARY KEY,
    role        TEXT    NOT NULL CHECK (role IN ('organiser', 'broadcaster')),
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_by     INTEGER,
    used_at     TEXT
) STRICT;
