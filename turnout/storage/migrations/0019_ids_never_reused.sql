-- Report and proposal numbers are never given twice. SQLite gives a new row the largest id + 1,
-- so a deleted newest row (a report withdrawn or discarded, a proposal of a member who used
-- /forgetme) gave its number to the next one, and an old button or card for "report #7"
-- (Approve in the review chat) acted on somebody else's new report #7. `id_floors` keeps the
-- largest number ever given; the store numbers new rows from it (storage/reports.py,
-- storage/proposals.py), and these triggers keep it up with every insert.
CREATE TABLE id_floors (
    name TEXT    PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

INSERT INTO id_floors (name, last) SELECT 'reports', COALESCE(MAX(id), 0) FROM reports;
INSERT INTO id_floors (name, last) SELECT 'proposals', COALESCE(MAX(id), 0) FROM proposals;

CREATE TRIGGER reports_id_floor AFTER INSERT ON reports BEGIN
    UPDATE id_floors SET last = max(last, NEW.id) WHERE name = 'reports';
END;

CREATE TRIGGER proposals_id_floor AFTER INSERT ON proposals BEGIN
    UPDATE id_floors SET last = max(last, NEW.id) WHERE name = 'proposals';
END;
