-- Up Migration
-- The provider's free-text comment when declining an offer (the reason code is in decline_reason).
-- Read by dispatchers in dispatch; never carried by events.
ALTER TABLE dispatch.offers ADD COLUMN decline_comment VARCHAR(1000);

-- Down Migration
ALTER TABLE dispatch.offers DROP COLUMN decline_comment;
