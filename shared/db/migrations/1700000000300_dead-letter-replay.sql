-- Up Migration
-- A dead letter can be replayed once its cause is fixed (e.g. a product code mapping added):
-- when, and as which event.
ALTER TABLE platform.dead_letters ADD COLUMN replayed_at TIMESTAMPTZ;
ALTER TABLE platform.dead_letters ADD COLUMN replayed_as UUID;

-- Down Migration
ALTER TABLE platform.dead_letters DROP COLUMN replayed_as;
ALTER TABLE platform.dead_letters DROP COLUMN replayed_at;
