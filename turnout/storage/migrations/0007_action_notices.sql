-- Change notices waiting to go out. Edits close together are merged into one row (and so one
-- notice); the text is written from the action as it is when the notice falls due.
CREATE TABLE action_notices (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    due_at     TEXT    NOT NULL,
    -- What changed, comma-separated: time, place, cancelled.
    changes    TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'enqueued'))
) STRICT;

CREATE UNIQUE INDEX action_notices_one_planned ON action_notices (action_id)
    WHERE status = 'planned';
