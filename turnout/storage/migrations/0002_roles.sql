-- Roles granted by owners. Owners themselves come from the settings and are not stored.
CREATE TABLE roles (
    user_id     INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('organiser', 'broadcaster', 'host')),
    granted_by  INTEGER,
    granted_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, role)
) STRICT;
