-- "Show my name to organisers" in /settings: off unless the member turns it on.
ALTER TABLE members ADD COLUMN show_name INTEGER NOT NULL DEFAULT 0 CHECK (show_name IN (0, 1));
