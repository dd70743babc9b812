-- Owners see the sensitive moves (README, "Owners see the sensitive moves"): the audit log is
-- the one source, and this is how far the owners were told of it: the id of the last audit
-- entry handled. One row. It starts at the newest entry, so an upgrade does not send owners the
-- whole history; a sweep moves it in the same transaction as it queues the notices.
CREATE TABLE owner_notices (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_audit_id INTEGER NOT NULL
) STRICT;

INSERT INTO owner_notices (id, last_audit_id) SELECT 1, COALESCE(MAX(id), 0) FROM audit_log;
