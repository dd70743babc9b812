-- Pseudonyms grow from six hex digits ("Member 7F3A9C", 24 bits: two members were likely to
-- share one from about 5,000 members on) to twelve characters ("Member 7F3A-9C2K-Q4B0", 60
-- bits; turnout/pseudonym.py). Nothing stored is rewritten: the audit log's older entries keep
-- the short form they were written with, and this entry, written only where there were members
-- already, marks where the form changed, so those entries stay readable as what they are.
INSERT INTO audit_log (at, actor_id, action, target_id, detail)
SELECT strftime('%Y-%m-%d %H:%M:%S', 'now'), NULL, 'pseudonyms:longer', NULL,
       json_object('before', 'Member XXXXXX (6 hex digits)',
                   'after', 'Member XXXX-XXXX-XXXX (12 characters)')
WHERE EXISTS (SELECT 1 FROM members);
