-- Up Migration
-- Legal warranty clocks: once the customer accepts the work on the Work Closing Form, the order's
-- warranties start on the acceptance date (shared/domain/warranties.ts).
--
-- wcf.warranty_rules: each country's legal warranties, as data, each with its legal source beside
--   it. A rule runs duration_months calendar months from acceptance and ends on the anniversary
--   date (the last covered day, inclusive; a start on 29 February ends on 28 February of a year
--   that is not a leap year). reporting_window_days is how long the customer has to report a defect
--   once discovered (NULL where the law sets none). categories are the warranty categories the rule
--   covers; a rule covering all four covers every order of its country.
-- wcf.product_warranty_categories: which warranty category each service product falls under:
--   fitting     kitchens, worktops, doors: fitted furniture and joinery, no part of the building fabric
--               (a kitchen installation is not structural work);
--   equipment   boilers, flue kits, heat pumps: dissociable equipment (FR: élément d'équipement
--               dissociable, Code civil art. 1792-3; ES: instalaciones);
--   building    works incorporated in the building fabric, e.g. a bathtub-to-shower conversion with
--               its waterproofing and tiling;
--   structural  works on the structure (foundations, load-bearing walls, beams, roof frame).
--   A product without a row falls under the rules that cover every category only.
-- wcf.warranties: the warranties running on an order, one per rule (UNIQUE order + code), copied
--   from the rule when the work is accepted so a later change of a rule leaves started warranties
--   as they were. form_id is the Work Closing Form whose acceptance started it (NULL when started
--   otherwise, e.g. an acceptance recorded on paper).
CREATE SCHEMA IF NOT EXISTS wcf;

CREATE TABLE wcf.warranty_rules (
  country_code           VARCHAR(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
  code                   VARCHAR(40) NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name                   VARCHAR(200) NOT NULL,
  legal_source           VARCHAR(300) NOT NULL CHECK (legal_source <> ''),
  duration_months        INTEGER NOT NULL CHECK (duration_months BETWEEN 1 AND 600),
  reporting_window_days  INTEGER CHECK (reporting_window_days > 0),
  categories             TEXT[] NOT NULL CHECK (
                           cardinality(categories) > 0
                           AND categories <@ ARRAY['fitting', 'equipment', 'building', 'structural']::TEXT[]),
  updated_at             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (country_code, code)
);

-- Service products are seed or catalogue data, loaded after the migrations: no foreign key.
CREATE TABLE wcf.product_warranty_categories (
  service_product_code  VARCHAR(100) PRIMARY KEY,
  category              VARCHAR(20) NOT NULL CHECK (category IN ('fitting', 'equipment', 'building', 'structural'))
);

CREATE TABLE wcf.warranties (
  id                     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  service_order_id       UUID NOT NULL REFERENCES orders.service_orders(id),
  country_code           VARCHAR(2) NOT NULL,
  code                   VARCHAR(40) NOT NULL,
  name                   VARCHAR(200) NOT NULL,
  legal_source           VARCHAR(300) NOT NULL,
  categories             TEXT[] NOT NULL,
  starts_on              DATE NOT NULL,
  ends_on                DATE NOT NULL,
  reporting_window_days  INTEGER CHECK (reporting_window_days > 0),
  form_id                UUID,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_warranties_order_code UNIQUE (service_order_id, code),
  CONSTRAINT ck_warranties_dates CHECK (ends_on > starts_on)
);
CREATE INDEX idx_warranties_ends_on ON wcf.warranties (ends_on);

-- Reference data: the law of each country.
INSERT INTO wcf.warranty_rules (country_code, code, name, legal_source, duration_months, reporting_window_days, categories) VALUES
  -- France: reserves and defects reported in the year; equipment that can be removed without
  -- damaging the building; works that endanger the building or make it unfit for its purpose.
  ('FR', 'parfait-achevement', 'Garantie de parfait achèvement', 'Code civil art. 1792-6', 12, NULL,
    ARRAY['fitting', 'equipment', 'building', 'structural']),
  ('FR', 'bon-fonctionnement', 'Garantie de bon fonctionnement', 'Code civil art. 1792-3', 24, NULL,
    ARRAY['equipment']),
  ('FR', 'decennale', 'Garantie décennale', 'Code civil art. 1792', 120, NULL,
    ARRAY['building', 'structural']),
  -- Spain: finishing defects; defects of the building and its installations affecting habitability;
  -- defects of the structure.
  ('ES', 'acabado', 'Garantía de defectos de acabado', 'Ley 38/1999 de Ordenación de la Edificación (LOE) art. 17.1 b', 12, NULL,
    ARRAY['fitting', 'equipment', 'building', 'structural']),
  ('ES', 'habitabilidad', 'Garantía de habitabilidad', 'Ley 38/1999 de Ordenación de la Edificación (LOE) art. 17.1 a', 36, NULL,
    ARRAY['equipment', 'building']),
  ('ES', 'estructural', 'Garantía estructural', 'Ley 38/1999 de Ordenación de la Edificación (LOE) art. 17.1 a', 120, NULL,
    ARRAY['structural']),
  -- Italy: defects of the work, 2 years from delivery, reported within 60 days of discovery;
  -- ruin or serious defects of buildings, 10 years, reported within a year of discovery.
  ('IT', 'difformita-vizi', 'Garanzia per difformità e vizi dell''opera', 'Codice civile art. 1667', 24, 60,
    ARRAY['fitting', 'equipment', 'building', 'structural']),
  ('IT', 'gravi-difetti', 'Rovina e gravi difetti di immobili', 'Codice civile art. 1669', 120, 365,
    ARRAY['building', 'structural']),
  -- Poland: rękojmia, 2 years; 5 years for defects of immovable property.
  ('PL', 'rekojmia', 'Rękojmia za wady', 'Kodeks cywilny art. 568 § 1', 24, NULL,
    ARRAY['fitting', 'equipment', 'building', 'structural']),
  ('PL', 'rekojmia-nieruchomosc', 'Rękojmia za wady nieruchomości', 'Kodeks cywilny art. 568 § 1', 60, NULL,
    ARRAY['building', 'structural']);

INSERT INTO wcf.product_warranty_categories (service_product_code, category) VALUES
  ('KITCHEN_INSTALL_STD', 'fitting'),
  ('WORKTOP_INSTALL', 'fitting'),
  ('INTERIOR_DOOR_INSTALL', 'fitting'),
  ('BOILER_REPLACEMENT', 'equipment'),
  ('FLUE_KIT', 'equipment'),
  ('HEAT_PUMP_INSTALL', 'equipment'),
  ('BATH_TO_SHOWER', 'building');

-- Down Migration
DROP TABLE wcf.warranties;
DROP TABLE wcf.product_warranty_categories;
DROP TABLE wcf.warranty_rules;
