import type { DbClient } from '../../shared/db';
import { ConflictError, InvalidInputError } from '../../shared/errors';
import { findOverlaps, lockKey, overlapMessage, RULE_COLUMNS, RULE_FROM, type PricingRule } from './queries';
import type { RuleBody } from './schema';

/** The exclusion constraint behind the check below: a write that slips past it is still refused. */
export const OVERLAP_CONSTRAINT = 'ex_channel_pricing_rules_overlap';

export function isOverlap(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23P01' && e.constraint === OVERLAP_CONSTRAINT;
}

/**
 * Adds a channel pricing rule, as order-intake applies it to the sales of that country, channel
 * and product from `validFrom`. One rule per country, channel and product at a time: a rule
 * whose dates meet another's is 409 `pricing-rule-overlap`, naming the other rule and its dates.
 */
export async function addRule(tx: DbClient, body: RuleBody): Promise<PricingRule> {
  const {
    rows: [known],
  } = await tx.query<{ country: boolean; product: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM org.countries WHERE code = $1) AS country,
            EXISTS (SELECT 1 FROM orders.service_products WHERE code = $2) AS product`,
    [body.countryCode, body.serviceProductCode],
  );
  const issues = [
    ...(known?.country ? [] : [{ field: 'countryCode', message: `no country ${body.countryCode}` }]),
    ...(known?.product ? [] : [{ field: 'serviceProductCode', message: `no service product ${body.serviceProductCode} in the catalogue` }]),
  ];
  if (issues.length > 0) throw new InvalidInputError(issues.map((i) => i.message).join('; '), issues);

  await lockKey(tx, body);
  const others = await findOverlaps(tx, body, body.validFrom, body.validTo);
  if (others.length > 0) throw new ConflictError(overlapMessage(body, body, others), 'pricing-rule-overlap');
  try {
    const { rows } = await tx.query<PricingRule>(
      `WITH r AS (
         INSERT INTO org.channel_pricing_rules
           (country_code, sales_channel, service_product_code, percent_adjustment, amount_adjustment_minor, valid_from, valid_to, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
       SELECT ${RULE_COLUMNS} FROM ${RULE_FROM.replace('org.channel_pricing_rules r', 'r')}`,
      [
        body.countryCode,
        body.salesChannel,
        body.serviceProductCode,
        body.percentAdjustment,
        body.amountAdjustmentMinor,
        body.validFrom,
        body.validTo,
        body.description,
      ],
    );
    return rows[0] as PricingRule;
  } catch (error) {
    if (isOverlap(error)) throw new ConflictError(overlapMessage(body, body, []), 'pricing-rule-overlap');
    throw error;
  }
}
