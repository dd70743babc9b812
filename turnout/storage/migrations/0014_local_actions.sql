-- Local actions worldwide (README, "Local actions"): an action's city, its host, its
-- campaign; members' proposals of actions; campaigns grouping calls and actions; hosts
-- trusted to publish directly.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

-- The place of an action as a city of the gazetteer (GeoNames id, name, country code); empty
-- for actions placed before, or by a place name alone.
ALTER TABLE actions ADD COLUMN city_id INTEGER;
ALTER TABLE actions ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN country TEXT NOT NULL DEFAULT '';
-- The member whose proposal it was: they may edit and cancel it and review its reports.
ALTER TABLE actions ADD COLUMN host_id INTEGER;
ALTER TABLE actions ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;

CREATE INDEX actions_by_place ON actions (country, city) WHERE status = 'planned';
CREATE INDEX actions_by_host ON actions (host_id) WHERE host_id IS NOT NULL;
CREATE INDEX actions_by_campaign ON actions (campaign_id) WHERE campaign_id IS NOT NULL;

ALTER TABLE calls ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;

CREATE TABLE proposals (
    id           INTEGER PRIMARY KEY,
    proposer_id  INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    starts_at    TEXT    NOT NULL,
    timezone     TEXT    NOT NULL,
    place        TEXT    NOT NULL DEFAULT '',
    city_id      INTEGER,
    city         TEXT    NOT NULL DEFAULT '',
    country      TEXT    NOT NULL DEFAULT '',
    latitude     REAL,
    longitude    REAL,
    expected     INTEGER CHECK (expected IS NULL OR expected > 0),
    campaign_id  INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'approved', 'rejected')),
    reason       TEXT,
    action_id    INTEGER REFERENCES actions (id) ON DELETE SET NULL,
    decided_by   INTEGER,
    decided_at   TEXT,
    created_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX proposals_pending ON proposals (created_at) WHERE status = 'pending';

-- Set by "Approve and trust": this member's later proposals are published without review.
ALTER TABLE members ADD COLUMN trusted_by INTEGER;
