-- Actions, the RSVPs to them, and the reminders planned for them (README, "Actions").
CREATE TABLE actions (
    id                INTEGER PRIMARY KEY,
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    starts_at         TEXT    NOT NULL,
    timezone          TEXT    NOT NULL,
    place             TEXT    NOT NULL DEFAULT '',
    latitude          REAL,
    longitude         REAL,
    capacity          INTEGER CHECK (capacity IS NULL OR capacity > 0),
    reminder_minutes  TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'planned'
                      CHECK (status IN ('planned', 'cancelled', 'ended')),
    -- Goes up by one whenever the time changes, so reminders planned for an old time are told
    -- apart from the new ones.
    revision          INTEGER NOT NULL DEFAULT 1,
    created_by        INTEGER NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
) STRICT;

CREATE INDEX actions_upcoming ON actions (status, starts_at);

CREATE TABLE rsvps (
    action_id    INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    answer       TEXT    NOT NULL CHECK (answer IN ('going', 'maybe', 'not_going', 'waitlisted')),
    -- When the answer was last changed: the waitlist is served in this order.
    answered_at  TEXT    NOT NULL,
    PRIMARY KEY (action_id, user_id)
) STRICT;

CREATE INDEX rsvps_by_answer ON rsvps (action_id, answer, answered_at);

CREATE TABLE reminders (
    action_id       INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    revision        INTEGER NOT NULL,
    offset_minutes  INTEGER NOT NULL,
    due_at          TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'planned'
                    CHECK (status IN ('planned', 'enqueued', 'skipped')),
    PRIMARY KEY (action_id, revision, offset_minutes)
) STRICT;

CREATE INDEX reminders_due ON reminders (due_at) WHERE status = 'planned';

-- Which reminders a member wants: NULL every one, '' none, else minutes before ("1440,120").
ALTER TABLE members ADD COLUMN reminder_minutes TEXT;

-- A delivery that is pointless after this moment (a reminder once the action started).
ALTER TABLE deliveries ADD COLUMN expires_at TEXT;
