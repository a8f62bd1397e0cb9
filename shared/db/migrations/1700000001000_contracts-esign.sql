-- Up Migration
-- E-signature (Adobe Acrobat Sign): the agreements the contract workflow sends, and the webhook
-- notifications Adobe posts about them (functions/esign-webhooks stores them, esign-notifications
-- processes them). The schema may already exist (other contract tables).
CREATE SCHEMA IF NOT EXISTS contracts;

-- One row per agreement sent for signature, written by whoever creates it (the contract
-- workflow's sender, later the WCF and provider agreements). status is ours, and only moves
-- forward: OUT_FOR_SIGNATURE, then one of the final SIGNED, DECLINED, EXPIRED, RECALLED.
CREATE TABLE contracts.agreements (
  agreement_id     text PRIMARY KEY,
  contract_key     text NOT NULL UNIQUE,
  service_order_id uuid,
  status           text NOT NULL DEFAULT 'OUT_FOR_SIGNATURE'
                   CHECK (status IN ('OUT_FOR_SIGNATURE', 'SIGNED', 'DECLINED', 'EXPIRED', 'RECALLED')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_agreements_service_order ON contracts.agreements (service_order_id) WHERE service_order_id IS NOT NULL;

-- Every webhook notification once (Adobe delivers at least once): the participant's and acting
-- user's emails are kept as SHA-256 hashes only, in the columns and in the stored payload.
CREATE TABLE contracts.esign_notifications (
  webhook_notification_id text PRIMARY KEY,
  agreement_id            text,
  event                   text NOT NULL,
  participant_email_hash  text,
  acting_user_email_hash  text,
  event_date              timestamptz NOT NULL,
  payload                 jsonb NOT NULL,
  received_at             timestamptz NOT NULL,
  processed_at            timestamptz
);
CREATE INDEX idx_esign_notifications_agreement ON contracts.esign_notifications (agreement_id, event_date);

-- Down Migration
DROP TABLE contracts.esign_notifications;
DROP TABLE contracts.agreements;
