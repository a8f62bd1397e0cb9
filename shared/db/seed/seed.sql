-- Seed data for local runs and tests: countries, a few business units and stores per
-- country, the two sales systems and which BU sells through which, the service products
-- with their codes in each sales system, and the channel SLA rules. Idempotent.

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
