-- The day of the action (README, "Action day"): when an action ends, who is there, urgent
-- alerts, the safety check, and the thank-you that asks for photos.

-- When the action ends. Actions from before had none: two hours after the start, the default.
ALTER TABLE actions ADD COLUMN ends_at TEXT;
UPDATE actions SET ends_at = datetime(starts_at, '+2 hours');
ALTER TABLE proposals ADD COLUMN ends_at TEXT;
UPDATE proposals SET ends_at = datetime(starts_at, '+2 hours');

-- How far the safety check went: 0 not asked, 1 asked, 2 those who had not answered asked once
-- more. Whether the thank-you asking for photos was handed to the outbox. Actions that ended
-- before this version are settled: nobody is asked about a day long past.
ALTER TABLE actions ADD COLUMN safety_round INTEGER NOT NULL DEFAULT 0
    CHECK (safety_round BETWEEN 0 AND 2);
ALTER TABLE actions ADD COLUMN photos_asked INTEGER NOT NULL DEFAULT 0
    CHECK (photos_asked IN (0, 1));
UPDATE actions SET safety_round = 2, photos_asked = 1 WHERE ends_at < datetime('now');

-- Who said "I'm here". A location shared within a kilometre of the action's point confirms it
-- (the location itself is never kept). The answer to "Are you safe?" is kept with it; the
-- export counts answers, never whose they were.
CREATE TABLE checkins (
    action_id     INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    checked_in_at TEXT    NOT NULL,
    confirmed     INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
    safety        TEXT    CHECK (safety IN ('safe', 'help')),
    safety_at     TEXT,
    PRIMARY KEY (action_id, user_id)
) STRICT;

-- Urgent alerts sent during an action, as the sender wrote them (audited as well).
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id   INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    sent_by     INTEGER NOT NULL,
    audience    TEXT    NOT NULL CHECK (audience IN ('going', 'here')),
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX alerts_by_action ON alerts (action_id, id);

-- A member who muted the alerts of one action.
ALTER TABLE rsvps ADD COLUMN alerts_muted INTEGER NOT NULL DEFAULT 0
    CHECK (alerts_muted IN (0, 1));

-- The outbox's priority lane: a pending row of a higher priority is claimed before every row
-- of a lower one, however long those have waited (an alert jumps a call's 20,000 copies).
ALTER TABLE deliveries ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_by_priority ON deliveries (priority DESC, due_at, id)
    WHERE status = 'pending';

-- Cards organisers and hosts opened on an action under way: kept up to date in place as people
-- check in (the latest card of each person and action).
CREATE TABLE live_cards (
    chat_id     INTEGER NOT NULL,
    action_id   INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL,
    opened_at   TEXT    NOT NULL,
    PRIMARY KEY (chat_id, action_id)
) STRICT;
