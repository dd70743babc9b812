-- Paid broadcasts (TURNOUT_PAID_BROADCAST_RATE): a row the sender agreed to pay for may go out
-- with allow_paid_broadcast, above Telegram's free rate; ``paid`` records that it did (each
-- such copy cost the bot's Stars), so a broadcast's progress can say what it cost.
ALTER TABLE deliveries ADD COLUMN may_pay INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN paid INTEGER NOT NULL DEFAULT 0;
