-- Up Migration
-- The expert of a claim (claims.country_settings.expert_provider): 'exclude-original' writes a
-- dispatch.exclusions row for the claim visit (reason 'claim-expert-policy'); 'prefer-original'
-- writes this: the provider the funnel offers the order to first when it is eligible (active,
-- serving the order's business unit and place, with a technician free), whatever its score.
CREATE TABLE dispatch.preferences (
  service_order_id  UUID PRIMARY KEY REFERENCES orders.service_orders(id),
  provider_id       UUID NOT NULL REFERENCES dispatch.providers(id),
  reason            VARCHAR(50) NOT NULL,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Down Migration
DROP TABLE dispatch.preferences;
