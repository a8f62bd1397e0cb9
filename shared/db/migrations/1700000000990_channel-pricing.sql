-- Up Migration
-- Channel pricing: rules per country, sales channel and service product that adjust the list
-- price a sale's line carries (the store's price, as the sales system sends it), valid over
-- dates [valid_from, valid_to) — valid_to exclusive, NULL while the rule is open-ended.
-- A rule's adjustment of one line:
--   list        = unit price x quantity (minor units, rounded)
--   adjustment  = round(list x percent_adjustment / 100) + round(amount_adjustment_minor x quantity)
--   total       = max(0, list + adjustment)   (adjustment = total - list when the floor applies)
-- percent_adjustment -5 is 5 % off; amount_adjustment_minor is per unit, in the country's
-- currency (org.countries.default_currency), negative a discount, positive a surcharge.
-- Two rules of the same country, channel and product never overlap in time (btree_gist gives
-- the exclusion constraint its equality operators on text).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE org.channel_pricing_rules (
  id                       UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  country_code             VARCHAR(2) NOT NULL REFERENCES org.countries(code),
  sales_channel            VARCHAR(50) NOT NULL
    CHECK (sales_channel IN ('IN_STORE', 'ONLINE', 'PHONE', 'PARTNER')),
  service_product_code     VARCHAR(100) NOT NULL REFERENCES orders.service_products(code),
  percent_adjustment       NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (percent_adjustment BETWEEN -100 AND 100),
  amount_adjustment_minor  BIGINT NOT NULL DEFAULT 0,
  valid_from               DATE NOT NULL,
  valid_to                 DATE,
  description              VARCHAR(300),
  created_at               TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at               TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_channel_pricing_rules_dates CHECK (valid_to IS NULL OR valid_to > valid_from),
  CONSTRAINT ck_channel_pricing_rules_adjusts CHECK (percent_adjustment <> 0 OR amount_adjustment_minor <> 0),
  CONSTRAINT ex_channel_pricing_rules_overlap EXCLUDE USING gist (
    country_code WITH =, sales_channel WITH =, service_product_code WITH =,
    daterange(valid_from, valid_to, '[)') WITH &&
  )
);

-- What intake priced each line and the order at: the list price, the channel adjustment, the
-- total, and the rule applied (NULL: none was valid for the sale's channel and date).
ALTER TABLE orders.service_order_lines
  ADD COLUMN list_price_minor          BIGINT,
  ADD COLUMN channel_adjustment_minor  BIGINT,
  ADD COLUMN total_minor               BIGINT,
  ADD COLUMN pricing_rule_id           UUID;

ALTER TABLE orders.service_orders
  ADD COLUMN list_price_minor          BIGINT,
  ADD COLUMN channel_adjustment_minor  BIGINT,
  ADD COLUMN total_minor               BIGINT,
  ADD COLUMN price_currency            VARCHAR(3);

-- Orders taken before channel pricing: their list price, no adjustment.
UPDATE orders.service_order_lines
   SET list_price_minor = ROUND(unit_price_minor * quantity), channel_adjustment_minor = 0,
       total_minor = ROUND(unit_price_minor * quantity);
UPDATE orders.service_orders o
   SET list_price_minor = t.list, channel_adjustment_minor = 0, total_minor = t.list, price_currency = t.currency
  FROM (SELECT service_order_id, SUM(list_price_minor) AS list, MIN(currency) AS currency
          FROM orders.service_order_lines GROUP BY service_order_id HAVING COUNT(DISTINCT currency) = 1) t
 WHERE t.service_order_id = o.id;

-- Down Migration
ALTER TABLE orders.service_orders
  DROP COLUMN price_currency, DROP COLUMN total_minor, DROP COLUMN channel_adjustment_minor, DROP COLUMN list_price_minor;
ALTER TABLE orders.service_order_lines
  DROP COLUMN pricing_rule_id, DROP COLUMN total_minor, DROP COLUMN channel_adjustment_minor, DROP COLUMN list_price_minor;
DROP TABLE org.channel_pricing_rules;
