-- Updates from Telegram, from their arrival until a day after their handling (bot/intake.py).
-- An update is confirmed to Telegram (the next getUpdates offset, or the webhook's 200) only
-- once it is here, so a hard kill loses nothing that was acknowledged: the next start handles
-- what is left, in the order it arrived. Once handled, the body (what the person sent) and its
-- sender are erased at once (and by /forgetme, before it scrubs the file); the bare id stays a
-- day, the longest Telegram keeps an update, so an update
-- fetched again after a kill (fetched and stored, but not yet confirmed by the next offset), or
-- posted twice to the webhook, is recognised and not handled a second time.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,          -- arrival order
    update_id    INTEGER NOT NULL UNIQUE,      -- Telegram's
    sender       INTEGER,                      -- the person (or chat); NULL once handled
    body         TEXT,                         -- the update as JSON; NULL once handled
    received_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX inbox_waiting ON inbox (id) WHERE body IS NOT NULL;
CREATE INDEX inbox_by_sender ON inbox (sender) WHERE sender IS NOT NULL;
