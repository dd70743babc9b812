-- Every message id a delivery made (an album makes several), so that each copy of a call can
-- be deleted later. message_id keeps the first.
ALTER TABLE deliveries ADD COLUMN message_ids TEXT;
