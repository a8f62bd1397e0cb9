-- Seed data for local runs and tests: countries, a few business units and stores per
-- country, the two sales systems and which BU sells through which, the service products
-- with their codes in each sales system, the channel SLA rules and the channel pricing rules. Idempotent.

INSERT INTO org.countries (code, name, default_currency, default_language, timezone, phone_prefix) VALUES
  ('ES', 'Spain',  'EUR', 'es', 'Europe/Madrid', '+34'),
  ('FR', 'France', 'EUR', 'fr', 'Europe/Paris',  '+33'),
  ('IT', 'Italy',  'EUR', 'it', 'Europe/Rome',   '+39'),
  ('PL', 'Poland', 'PLN', 'pl', 'Europe/Warsaw', '+48')
ON CONFLICT (code) DO NOTHING;

INSERT INTO org.business_units (id, code, name, country_code) VALUES
  ('b0000000-0000-4000-8000-000000000101', 'ES-CENTRO',       'España Centro',       'ES'),
  ('b0000000-0000-4000-8000-000000000102', 'ES-CATALUNYA',    'Catalunya',           'ES'),
  ('b0000000-0000-4000-8000-000000000201', 'FR-RHONE-ALPES',  'Rhône-Alpes',         'FR'),
  ('b0000000-0000-4000-8000-000000000202', 'FR-IDF',          'Île-de-France',       'FR'),
  ('b0000000-0000-4000-8000-000000000301', 'IT-NORD',         'Italia Nord',         'IT'),
  ('b0000000-0000-4000-8000-000000000302', 'IT-CENTRO',       'Italia Centro',       'IT'),
  ('b0000000-0000-4000-8000-000000000401', 'PL-MAZOWIECKIE',  'Mazowieckie',         'PL'),
  ('b0000000-0000-4000-8000-000000000402', 'PL-MALOPOLSKIE',  'Małopolskie',         'PL')
ON CONFLICT (code) DO NOTHING;

INSERT INTO org.stores (code, name, business_unit_id, postal_code, city)
SELECT s.code, s.name, bu.id, s.postal_code, s.city
FROM (VALUES
  ('ES-MAD-0042', 'Madrid Alcalá',        'ES-CENTRO',      '28009',  'Madrid'),
  ('ES-MAD-0057', 'Madrid Sur',           'ES-CENTRO',      '28041',  'Madrid'),
  ('ES-BCN-0011', 'Barcelona Diagonal',   'ES-CATALUNYA',   '08019',  'Barcelona'),
  ('FR-LYS-0318', 'Lyon Part-Dieu',       'FR-RHONE-ALPES', '69003',  'Lyon'),
  ('FR-GRE-0322', 'Grenoble Échirolles',  'FR-RHONE-ALPES', '38130',  'Échirolles'),
  ('FR-PAR-0101', 'Paris Nation',         'FR-IDF',         '75012',  'Paris'),
  ('IT-MI-0107',  'Milano Certosa',       'IT-NORD',        '20151',  'Milano'),
  ('IT-TO-0112',  'Torino Nord',          'IT-NORD',        '10156',  'Torino'),
  ('IT-RM-0201',  'Roma Est',             'IT-CENTRO',      '00155',  'Roma'),
  ('PL-WAW-0021', 'Warszawa Targówek',    'PL-MAZOWIECKIE', '03-287', 'Warszawa'),
  ('PL-WAW-0034', 'Warszawa Ursynów',     'PL-MAZOWIECKIE', '02-796', 'Warszawa'),
  ('PL-KRK-0040', 'Kraków Zakopiańska',   'PL-MALOPOLSKIE', '30-418', 'Kraków')
) AS s(code, name, bu_code, postal_code, city)
JOIN org.business_units bu ON bu.code = s.bu_code
ON CONFLICT (code) DO NOTHING;

INSERT INTO org.sales_systems (id, name, code, country_codes, api_endpoint, configuration) VALUES
  ('5a1e5000-0000-4000-8000-000000000001', 'Pyxis', 'PYXIS', ARRAY['ES', 'FR'], NULL,
   '{"recordKey": "order.orderNumber", "schemaVersion": 3}'),
  ('5a1e5000-0000-4000-8000-000000000002', 'Tempo', 'TEMPO', ARRAY['IT', 'PL'], NULL,
   '{"recordKey": "sale.sale_ref"}')
ON CONFLICT (code) DO NOTHING;

INSERT INTO org.business_unit_sales_systems (id, business_unit_id, sales_system_id, is_primary)
SELECT gen_random_uuid(), bu.id, ss.id, true
FROM org.business_units bu
JOIN org.sales_systems ss ON bu.country_code = ANY (ss.country_codes)
ON CONFLICT (business_unit_id, sales_system_id) DO NOTHING;

INSERT INTO org.channel_sla_rules (country_code, sales_channel, first_contact_hours, description) VALUES
  (NULL, 'ONLINE',   4,  'Online buyers expect a call the same half-day'),
  (NULL, 'PHONE',    24, 'Phone orders: contacted within a day'),
  (NULL, 'IN_STORE', 48, 'Store orders: the customer met a seller already'),
  (NULL, 'PARTNER',  72, 'Partner orders: the partner relays the first contact'),
  ('FR', 'ONLINE',   8,  'France: online contact within 8 hours')
ON CONFLICT DO NOTHING;

INSERT INTO orders.service_products (code, name, skills, technical_visit_required, duration_hours) VALUES
  ('KITCHEN_INSTALL_STD',   'Standard kitchen installation',         ARRAY['KITCHEN', 'PLUMBING_BASIC', 'ELECTRICAL_BASIC'], true,  16),
  ('WORKTOP_INSTALL',       'Worktop cutting and installation',      ARRAY['KITCHEN'],                                      false, 3),
  ('BOILER_REPLACEMENT',    'Condensing boiler replacement',         ARRAY['HEATING', 'GAS_CERTIFIED'],                     true,  8),
  ('FLUE_KIT',              'Flue kit',                              ARRAY['HEATING'],                                      false, 1),
  ('HEAT_PUMP_INSTALL',     'Air-to-water heat pump installation',   ARRAY['HEATING', 'REFRIGERANT_CERTIFIED', 'ELECTRICAL_BASIC'], true, 16),
  ('BATH_TO_SHOWER',        'Bathtub to shower conversion',          ARRAY['PLUMBING', 'TILING'],                           true,  24),
  ('INTERIOR_DOOR_INSTALL', 'Interior door installation (per door)', ARRAY['CARPENTRY'],                                    false, 2)
ON CONFLICT (code) DO NOTHING;

INSERT INTO orders.product_code_mappings (sales_system, sales_product_code, service_product_code) VALUES
  ('PYXIS', 'PYX-SRV-KIT-STD',      'KITCHEN_INSTALL_STD'),
  ('TEMPO', 'TMP-SVC-KIT-STD',      'KITCHEN_INSTALL_STD'),
  ('PYXIS', 'PYX-SRV-KIT-WORKTOP',  'WORKTOP_INSTALL'),
  ('TEMPO', 'TMP-SVC-WORKTOP',      'WORKTOP_INSTALL'),
  ('PYXIS', 'PYX-SRV-BOILER',       'BOILER_REPLACEMENT'),
  ('TEMPO', 'TMP-SVC-BOILER-REPL',  'BOILER_REPLACEMENT'),
  ('PYXIS', 'PYX-SRV-FLUE',         'FLUE_KIT'),
  ('TEMPO', 'TMP-SVC-FLUE-KIT',     'FLUE_KIT'),
  ('PYXIS', 'PYX-SRV-HEATPUMP',     'HEAT_PUMP_INSTALL'),
  ('TEMPO', 'TMP-SVC-HEATPUMP',     'HEAT_PUMP_INSTALL'),
  ('PYXIS', 'PYX-SRV-BATH-SHOWER',  'BATH_TO_SHOWER'),
  ('TEMPO', 'TMP-SVC-BATH-SHOWER',  'BATH_TO_SHOWER'),
  ('PYXIS', 'PYX-SRV-DOOR-INT',     'INTERIOR_DOOR_INSTALL'),
  ('TEMPO', 'TMP-SVC-DOOR-INT',     'INTERIOR_DOOR_INSTALL')
ON CONFLICT (sales_system, sales_product_code) DO NOTHING;

-- Channel pricing (org.channel_pricing_rules: percent and/or per-unit amount in minor units on the
-- line's list price, valid [valid_from, valid_to)). ES online: a launch promotion, then -5 %;
-- FR partners: the partner rate, -12 %, and online heat pumps EUR 150 off; IT online boilers
-- and kitchens -3 %; PL doors sold by phone: a PLN 25 handling fee per door. In-store: list price.
-- ON CONFLICT DO NOTHING: the overlap exclusion constraint keeps a second run from adding any.
INSERT INTO org.channel_pricing_rules
  (country_code, sales_channel, service_product_code, percent_adjustment, amount_adjustment_minor, valid_from, valid_to, description)
SELECT r.country_code, r.sales_channel, p.code, r.percent_adjustment, r.amount_adjustment_minor, r.valid_from::date, r.valid_to::date, r.description
FROM (VALUES
  ('ES', 'ONLINE',  NULL,                    -10.00,      0, '2026-01-01', '2026-03-01', 'España: online launch promotion, -10 %'),
  ('ES', 'ONLINE',  NULL,                     -5.00,      0, '2026-03-01', NULL,         'España: online -5 % on the in-store price'),
  ('FR', 'PARTNER', NULL,                    -12.00,      0, '2026-01-01', NULL,         'France: partner rate, -12 %'),
  ('FR', 'ONLINE',  'HEAT_PUMP_INSTALL',       0.00, -15000, '2026-01-01', NULL,         'France: online heat pump, EUR 150 off'),
  ('IT', 'ONLINE',  'BOILER_REPLACEMENT',     -3.00,      0, '2026-01-01', NULL,         'Italia: online boiler -3 %'),
  ('IT', 'ONLINE',  'KITCHEN_INSTALL_STD',    -3.00,      0, '2026-01-01', NULL,         'Italia: online kitchen -3 %'),
  ('PL', 'PHONE',   'INTERIOR_DOOR_INSTALL',   0.00,   2500, '2026-01-01', NULL,         'Polska: phone order handling fee, PLN 25 per door')
) AS r(country_code, sales_channel, product, percent_adjustment, amount_adjustment_minor, valid_from, valid_to, description)
JOIN orders.service_products p ON p.code = COALESCE(r.product, p.code)
ON CONFLICT DO NOTHING;

-- Dispatch (development and tests): providers of Madrid and Lyon with their technicians, and the
-- auto-accept policies (ES: an offer becomes an assignment at once; FR, IT, PL: the provider accepts).
INSERT INTO dispatch.providers (id, name, country_code, status, quality_score, cost_index) VALUES
  ('11111111-1111-4111-8111-111111111111', 'Reformas Castellana SL', 'ES', 'active', 0.820, 1.00),
  ('22222222-2222-4222-8222-222222222222', 'Instalaciones del Sur SA', 'ES', 'active', 0.740, 0.95),
  ('33333333-3333-4333-8333-333333333333', 'Atelier Rhône Services', 'FR', 'active', 0.880, 1.05),
  ('44444444-4444-4444-8444-444444444444', 'Lyon Pose Express', 'FR', 'active', 0.700, 0.90),
  ('55555555-5555-4555-8555-555555555555', 'Nuevos Montajes SL', 'ES', 'onboarding', 0.500, 1.00)
ON CONFLICT (id) DO NOTHING;

INSERT INTO dispatch.provider_business_units (provider_id, business_unit_id)
SELECT p.id, bu.id FROM (VALUES
  ('11111111-1111-4111-8111-111111111111'::uuid, 'ES-CENTRO'),
  ('22222222-2222-4222-8222-222222222222'::uuid, 'ES-CENTRO'),
  ('33333333-3333-4333-8333-333333333333'::uuid, 'FR-RHONE-ALPES'),
  ('44444444-4444-4444-8444-444444444444'::uuid, 'FR-RHONE-ALPES'),
  ('55555555-5555-4555-8555-555555555555'::uuid, 'ES-CENTRO')
) AS p(id, bu_code) JOIN org.business_units bu ON bu.code = p.bu_code
ON CONFLICT DO NOTHING;

INSERT INTO dispatch.provider_zones (provider_id, postal_code_prefix, priority) VALUES
  ('11111111-1111-4111-8111-111111111111', '28', 1),
  ('22222222-2222-4222-8222-222222222222', '28', 2),
  ('22222222-2222-4222-8222-222222222222', '45', 1),
  ('33333333-3333-4333-8333-333333333333', '69', 1),
  ('33333333-3333-4333-8333-333333333333', '38', 2),
  ('44444444-4444-4444-8444-444444444444', '69', 1),
  ('55555555-5555-4555-8555-555555555555', '28', 1)
ON CONFLICT DO NOTHING;

INSERT INTO dispatch.technicians (id, provider_id, subject, display_name, skills, zones, working_days, daily_capacity_hours) VALUES
  ('7e000000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'tech-0001', 'Javier Ortega',
   ARRAY['KITCHEN','PLUMBING_BASIC','ELECTRICAL_BASIC','CARPENTRY','HEATING','GAS_CERTIFIED'], ARRAY['28'], '{1,2,3,4,5}', 8),
  ('7e000000-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'tech-0002', 'Lucía Navarro',
   ARRAY['KITCHEN','PLUMBING_BASIC','ELECTRICAL_BASIC','CARPENTRY'], ARRAY['28','45'], '{1,2,3,4,5,6}', 8),
  ('7e000000-0000-4000-8000-000000000003', '33333333-3333-4333-8333-333333333333', 'tech-0003', 'Camille Girard',
   ARRAY['KITCHEN','PLUMBING_BASIC','ELECTRICAL_BASIC','CARPENTRY','HEATING','REFRIGERANT_CERTIFIED'], ARRAY['69','38'], '{1,2,3,4,5}', 7.5),
  ('7e000000-0000-4000-8000-000000000004', '44444444-4444-4444-8444-444444444444', 'tech-0004', 'Hugo Lambert',
   ARRAY['KITCHEN','CARPENTRY'], ARRAY['69'], '{1,2,3,4,5}', 8)
ON CONFLICT (id) DO NOTHING;

INSERT INTO dispatch.auto_accept_policies (country_code, business_unit_id, auto_accept, offer_timeout, parallel_offers) VALUES
  ('ES', NULL, TRUE, 'PT4H', 1),
  ('FR', NULL, FALSE, 'PT4H', 1),
  ('IT', NULL, FALSE, 'PT8H', 1),
  ('PL', NULL, FALSE, 'PT8H', 1)
ON CONFLICT DO NOTHING;

-- Contract rules per country (contracts.country_settings): a store manager approves above
-- approval_threshold_minor; the customer signs with a one-time SMS code above
-- strong_auth_threshold_minor where phone_auth is on. Poland in PLN (about EUR 5,000 / 2,000).
INSERT INTO contracts.country_settings
  (country_code, currency, approval_threshold_minor, strong_auth_threshold_minor, phone_auth, reminder_frequency, expiry_days, reminder_every) VALUES
  ('ES', 'EUR',  500000,  200000, TRUE,  'EVERY_OTHER_DAY_UNTIL_SIGNED', 14, 'P3D'),
  ('FR', 'EUR',  500000,  200000, TRUE,  'EVERY_OTHER_DAY_UNTIL_SIGNED', 14, 'P3D'),
  ('IT', 'EUR',  500000,  200000, TRUE,  'EVERY_THIRD_DAY_UNTIL_SIGNED', 21, 'P5D'),
  ('PL', 'PLN', 2150000,  860000, FALSE, 'EVERY_OTHER_DAY_UNTIL_SIGNED', 14, 'P3D')
ON CONFLICT (country_code) DO NOTHING;

-- Work Closing Form rules per country (wcf.country_settings): the customer is reminded every
-- answer_reminder_every until answer_timeout, then an operator calls them; a form the store has
-- not validated store_validation_timeout after it was sent goes to the business unit; the
-- provider lifts reserves within rework_deadline_days.
INSERT INTO wcf.country_settings
  (country_code, answer_reminder_every, answer_timeout, store_validation_timeout, rework_deadline_days, signature_expiry_days, reminder_frequency) VALUES
  ('ES', 'P1D', 'P5D', 'P3D', 30, 14, 'EVERY_OTHER_DAY_UNTIL_SIGNED'),
  ('FR', 'P2D', 'P8D', 'P3D', 60, 14, 'EVERY_OTHER_DAY_UNTIL_SIGNED'),
  ('IT', 'P2D', 'P8D', 'P5D', 30, 21, 'EVERY_THIRD_DAY_UNTIL_SIGNED'),
  ('PL', 'P1D', 'P5D', 'P3D', 21, 14, 'EVERY_OTHER_DAY_UNTIL_SIGNED')
ON CONFLICT (country_code) DO NOTHING;

-- Where Adobe Sign asks the technicians to sign the WCF, and the stores to validate it.
UPDATE dispatch.technicians t SET email = e.email
  FROM (VALUES
    ('7e000000-0000-4000-8000-000000000001'::uuid, 'javier.ortega@reformas-castellana.example'),
    ('7e000000-0000-4000-8000-000000000002'::uuid, 'lucia.navarro@instalaciones-sur.example'),
    ('7e000000-0000-4000-8000-000000000003'::uuid, 'camille.girard@atelier-rhone.example'),
    ('7e000000-0000-4000-8000-000000000004'::uuid, 'hugo.lambert@lyon-pose.example')
  ) AS e(id, email)
 WHERE t.id = e.id AND t.email IS NULL;
UPDATE org.stores SET email = lower(code) || '@stores.ahs.example' WHERE email IS NULL;

-- The messaging service, per country: the SMS sender id and email sender, the customer quiet hours
-- (no customer SMS from 21:00 to 08:00 local time) and the tariff used when the provider gives no
-- price, in micro-units (0.075 EUR per SMS segment = 75000; 0.001 EUR per email = 1000).
INSERT INTO notify.country_settings
  (country_code, sms_sender, email_from, email_from_name, quiet_from, quiet_until, sms_segment_micros, email_micros, currency) VALUES
  ('ES', 'AHS Hogar',   'servicios@es.ahs.example', 'AHS Servicios', '21:00', '08:00',  75000, 1000, 'EUR'),
  ('FR', 'AHS Maison',  'services@fr.ahs.example',  'AHS Services',  '21:00', '08:00',  79000, 1000, 'EUR'),
  ('IT', 'AHS Casa',    'servizi@it.ahs.example',   'AHS Servizi',   '21:00', '08:00',  82000, 1000, 'EUR'),
  ('PL', 'AHS Dom',     'uslugi@pl.ahs.example',    'AHS Usługi',    '21:00', '08:00', 170000, 4000, 'PLN')
ON CONFLICT (country_code) DO NOTHING;

-- Where offers and jobs are texted: each provider's dispatch desk and each technician's mobile.
UPDATE dispatch.providers p SET dispatch_phone = c.phone, dispatch_email = c.email
  FROM (VALUES
    ('11111111-1111-4111-8111-111111111111'::uuid, '+34600100101', 'despacho@reformas-castellana.example'),
    ('22222222-2222-4222-8222-222222222222'::uuid, '+34600100202', 'despacho@instalaciones-sur.example'),
    ('33333333-3333-4333-8333-333333333333'::uuid, '+33600100303', 'planning@atelier-rhone.example'),
    ('44444444-4444-4444-8444-444444444444'::uuid, '+33600100404', 'planning@lyon-pose.example'),
    ('55555555-5555-4555-8555-555555555555'::uuid, '+34600100505', 'despacho@nuevos-montajes.example')
  ) AS c(id, phone, email)
 WHERE p.id = c.id AND p.dispatch_phone IS NULL;
UPDATE dispatch.technicians t SET mobile_phone = m.phone
  FROM (VALUES
    ('7e000000-0000-4000-8000-000000000001'::uuid, '+34611200001'),
    ('7e000000-0000-4000-8000-000000000002'::uuid, '+34611200002'),
    ('7e000000-0000-4000-8000-000000000003'::uuid, '+33611200003'),
    ('7e000000-0000-4000-8000-000000000004'::uuid, '+33611200004')
  ) AS m(id, phone)
 WHERE t.id = m.id AND t.mobile_phone IS NULL;
