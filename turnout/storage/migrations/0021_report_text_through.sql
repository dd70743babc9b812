-- The member's message whose text was appended to a report last. After a hard kill an update
-- may be handled a second time (bot/intake.py); its text is then recognised by its message id
-- and not appended again (storage/reports.py, append_draft_text).
ALTER TABLE reports ADD COLUMN text_through INTEGER;
