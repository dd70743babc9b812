-- Campaign names match in any case of any alphabet ("Grève" and "GRÈVE", "Протест" and
-- "ПРОТЕСТ"): the NOCASE of 0014 folds ASCII letters only. ``casefold`` is the store's own
-- function (storage/base.py, ``folded``); the store keeps this column filled.
ALTER TABLE campaigns ADD COLUMN folded TEXT NOT NULL DEFAULT '';
UPDATE campaigns SET folded = casefold(name);
CREATE INDEX campaigns_by_folded ON campaigns (folded);
