-- Up Migration
-- The messaging service (functions/notify-sender, functions/notify-webhooks): every message asked
-- for, what became of it, the opt-outs, and what sending costs.

-- Partners' contacts: the provider's dispatch desk and each technician's mobile. The notify domain
-- reads them when it sends; no phone or email travels in events.
ALTER TABLE dispatch.providers ADD COLUMN dispatch_phone VARCHAR(50), ADD COLUMN dispatch_email VARCHAR(320);
ALTER TABLE dispatch.technicians ADD COLUMN mobile_phone VARCHAR(50);

-- Per country: who the messages come from, the customer quiet hours (local time; no customer SMS
-- from quiet_from to quiet_until, deferred to the end of the window) and the tariff used when the
-- provider gives no price (per SMS segment, per email), in micro-units of `currency` (1/1,000,000:
-- one SMS costs a fraction of a cent).
CREATE TABLE notify.country_settings (
  country_code        VARCHAR(2) PRIMARY KEY REFERENCES org.countries(code),
  sms_sender          VARCHAR(20) NOT NULL,
  email_from          VARCHAR(320) NOT NULL,
  email_from_name     VARCHAR(100) NOT NULL,
  quiet_from          TIME NOT NULL DEFAULT '21:00',
  quiet_until         TIME NOT NULL DEFAULT '08:00',
  sms_segment_micros  BIGINT NOT NULL CHECK (sms_segment_micros >= 0),
  email_micros        BIGINT NOT NULL CHECK (email_micros >= 0),
  currency            VARCHAR(3) NOT NULL,
  -- An SMS that fails for good (invalid number, opted out, undelivered) goes again by email when
  -- the recipient has an address.
  sms_fallback_to_email BOOLEAN NOT NULL DEFAULT TRUE
);

-- One row per message request (the request id from notify.message.requested /
-- notify.partner-message.requested): the key that makes each request send at most once. A
-- permanent SMS failure that falls back to email adds a row of its own (fallback_of).
--   status: queued → sending → sent → delivered | undelivered, or failed (permanent, with
--   failure_code / failure_reason), suppressed (opted out, never sent), cancelled (a scheduled
--   message superseded or withdrawn). `sending` holds a lease: a sender that dies mid-call leaves
--   it to be reconciled (status callback, or the provider's message lookup) before any resend.
CREATE TABLE notify.messages (
  request_id          UUID PRIMARY KEY,
  fallback_of         UUID REFERENCES notify.messages(request_id),
  recipient_kind      VARCHAR(12) NOT NULL CHECK (recipient_kind IN ('customer', 'provider', 'technician')),
  customer_id         UUID,
  provider_id         UUID,
  technician_id       UUID,
  service_order_id    UUID NOT NULL,
  country_code        VARCHAR(2) NOT NULL,
  business_unit_id    UUID,
  channel             VARCHAR(5) NOT NULL CHECK (channel IN ('sms', 'email')),
  template_id         VARCHAR(80) NOT NULL,
  template_version    INTEGER NOT NULL,
  locale              VARCHAR(5) NOT NULL,
  kind                VARCHAR(20) NOT NULL CHECK (kind IN ('transactional', 'informational')),
  -- 0 = transactional (goes first), 1 = bulk.
  priority            SMALLINT NOT NULL,
  parameters          JSONB NOT NULL,
  subject             TEXT,
  body_text           TEXT NOT NULL,
  body_html           TEXT,
  status              VARCHAR(12) NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'suppressed', 'cancelled')),
  -- When it may go: now, the end of the quiet hours, a retry's backoff, or a scheduled time.
  not_before          TIMESTAMPTZ NOT NULL,
  deferred_reason     VARCHAR(20),
  -- A scheduled message (the appointment reminder) replaced by a newer request with the same key.
  collapse_key        VARCHAR(200),
  attempts            INTEGER NOT NULL DEFAULT 0,
  attempted_at        TIMESTAMPTZ,
  lease_until         TIMESTAMPTZ,
  -- The destination, masked (+34 6•• ••• •12, j•••@example.com): enough for an operator, no PII.
  destination_masked  VARCHAR(100),
  provider            VARCHAR(10) CHECK (provider IN ('twilio', 'sendgrid')),
  provider_message_id VARCHAR(100) UNIQUE,
  segments            SMALLINT,
  encoding            VARCHAR(5),
  cost_micros         BIGINT,
  cost_currency       VARCHAR(3),
  cost_source         VARCHAR(8) CHECK (cost_source IN ('provider', 'tariff')),
  -- Twilio prices an SMS once it is sent: the senders ask for it after delivery (tariff until then).
  price_checked_at    TIMESTAMPTZ,
  failure_code        VARCHAR(20),
  failure_reason      TEXT,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  sent_at             TIMESTAMPTZ,
  delivered_at        TIMESTAMPTZ,
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_messages_due ON notify.messages (channel, priority, not_before) WHERE status = 'queued';
CREATE INDEX idx_messages_leased ON notify.messages (lease_until) WHERE status = 'sending';
CREATE INDEX idx_messages_order ON notify.messages (service_order_id, created_at);
CREATE INDEX idx_messages_month ON notify.messages (country_code, created_at);
CREATE INDEX idx_messages_unpriced ON notify.messages (sent_at) WHERE channel = 'sms' AND cost_source = 'tariff' AND provider_message_id IS NOT NULL;
CREATE UNIQUE INDEX uq_messages_collapse ON notify.messages (collapse_key) WHERE status = 'queued' AND collapse_key IS NOT NULL;

-- What happened to each message, in order: accepted, deferred, attempt, provider answers,
-- status callbacks, fallback. The history operators read.
CREATE TABLE notify.message_events (
  id          BIGSERIAL PRIMARY KEY,
  request_id  UUID NOT NULL REFERENCES notify.messages(request_id) ON DELETE CASCADE,
  at          TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  event       VARCHAR(30) NOT NULL,
  detail      JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_message_events_request ON notify.message_events (request_id, id);

-- Webhook deliveries already applied (Twilio: message sid + status; SendGrid: sg_event_id).
CREATE TABLE notify.provider_events (
  provider     VARCHAR(10) NOT NULL,
  event_id     VARCHAR(200) NOT NULL,
  received_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (provider, event_id)
);

-- Opt-outs, per channel and address (E.164 phone, lower-case email). What each one stops
-- (shared/notify/consent.ts): scope 'all' (SMS STOP, provider opt-out, hard bounce) stops every
-- message on that channel; 'informational' (email unsubscribe, spam report) stops the informational
-- ones only — a customer keeps receiving what they cannot do without (the contract to sign).
CREATE TABLE notify.opt_outs (
  channel      VARCHAR(5) NOT NULL CHECK (channel IN ('sms', 'email')),
  address      VARCHAR(320) NOT NULL,
  scope        VARCHAR(15) NOT NULL CHECK (scope IN ('all', 'informational')),
  source       VARCHAR(30) NOT NULL,
  opted_out_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (channel, address)
);

-- Sending pace per provider account, shared by every sender instance (GCRA: each send reserves
-- the next slot, 1/rate apart; a 429 pushes next_slot past its Retry-After).
CREATE TABLE notify.rate_limits (
  account          VARCHAR(100) PRIMARY KEY,
  per_second       NUMERIC(10,3) NOT NULL DEFAULT 100 CHECK (per_second > 0),
  next_slot        TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Down Migration
DROP TABLE notify.rate_limits;
DROP TABLE notify.opt_outs;
DROP TABLE notify.provider_events;
DROP TABLE notify.message_events;
DROP TABLE notify.messages;
DROP TABLE notify.country_settings;
ALTER TABLE dispatch.technicians DROP COLUMN mobile_phone;
ALTER TABLE dispatch.providers DROP COLUMN dispatch_phone, DROP COLUMN dispatch_email;
