-- Paid broadcasts (TURNOUT_PAID_BROADCAST_RATE): the sender saw the cost in Stars and chose to
-- pay for the copies above the free rate. Kept with the call, so that one scheduled, or waiting
-- for a second person's approval, goes out as its sender chose when it does go; and with the
-- alert, for the record. What it cost is in the deliveries (``paid``), what was estimated and
-- the balance then in the audit log (``broadcast:paid``).
ALTER TABLE calls ADD COLUMN paid INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1));
ALTER TABLE alerts ADD COLUMN paid INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1));
