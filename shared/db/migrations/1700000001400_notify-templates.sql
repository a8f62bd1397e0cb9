-- Up Migration
-- The messages sent to customers, providers and technicians (the notify domain), as data:
-- notify.templates holds every version of each template id × channel × locale, written in ICU
-- MessageFormat (plurals, selects, dates and numbers formatted per locale), rendered by
-- shared/notify/render.ts. The texts are authored in the repository (shared/notify/templates/
-- <locale>.json) and synced here by shared/notify/sync.ts (npm run db:migrate, the mesh's start):
-- a text that changed becomes a new version, the old one stays for the messages sent with it.
--   channel 'sms': body only; 'email': subject, text body and, optionally, an HTML body (without
--   one the HTML part is the text in the shared layout).
--   kind: 'transactional' (the customer cannot do without it: contract, signatures, appointments,
--   decisions) or 'informational' (reminders, surveys): what an opt-out stops.
CREATE SCHEMA IF NOT EXISTS notify;

CREATE TABLE notify.templates (
  template_id   VARCHAR(80) NOT NULL CHECK (template_id ~ '^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+$'),
  channel       VARCHAR(5) NOT NULL CHECK (channel IN ('sms', 'email')),
  locale        VARCHAR(5) NOT NULL CHECK (locale IN ('es', 'fr', 'it', 'pl')),
  version       INTEGER NOT NULL CHECK (version >= 1),
  kind          VARCHAR(20) NOT NULL CHECK (kind IN ('transactional', 'informational')),
  subject       TEXT,
  body_text     TEXT NOT NULL CHECK (body_text <> ''),
  body_html     TEXT,
  content_sha256 CHAR(64) NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (template_id, channel, locale, version),
  CONSTRAINT ck_templates_email CHECK ((channel = 'email') = (subject IS NOT NULL) AND (channel = 'email' OR body_html IS NULL))
);

-- The version in force: the highest.
CREATE VIEW notify.current_templates AS
  SELECT DISTINCT ON (template_id, channel, locale) *
    FROM notify.templates
   ORDER BY template_id, channel, locale, version DESC;

-- Down Migration
DROP VIEW notify.current_templates;
DROP TABLE notify.templates;
DROP SCHEMA notify;
