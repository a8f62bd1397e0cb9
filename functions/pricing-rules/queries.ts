import type { Queryable } from '../../shared/db';
import type { ListQuery } from './schema';

export interface PricingRule {
  id: string;
  countryCode: string;
  salesChannel: string;
  serviceProductCode: string;
  percentAdjustment: number;
  amountAdjustmentMinor: number;
  /** The country's currency, the amount's. */
  currency: string;
  validFrom: string;
  validTo: string | null;
  description: string | null;
}

/** The rule's columns as the API answers them (dates as YYYY-MM-DD, never shifted by a time zone). */
export const RULE_COLUMNS = `r.id, r.country_code AS "countryCode", r.sales_channel AS "salesChannel",
  r.service_product_code AS "serviceProductCode", r.percent_adjustment::float8 AS "percentAdjustment",
  r.amount_adjustment_minor::float8 AS "amountAdjustmentMinor", c.default_currency AS currency,
  to_char(r.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(r.valid_to, 'YYYY-MM-DD') AS "validTo", r.description`;

export const RULE_FROM = 'org.channel_pricing_rules r JOIN org.countries c ON c.code = r.country_code';

export async function listRules(db: Queryable, q: ListQuery): Promise<PricingRule[]> {
  const { rows } = await db.query<PricingRule>(
    `SELECT ${RULE_COLUMNS} FROM ${RULE_FROM}
      WHERE ($1::text IS NULL OR r.country_code = $1) AND ($2::text IS NULL OR r.sales_channel = $2)
        AND ($3::text IS NULL OR r.service_product_code = $3)
        AND ($4::date IS NULL OR daterange(r.valid_from, r.valid_to, '[)') @> $4::date)
      ORDER BY r.country_code, r.sales_channel, r.service_product_code, r.valid_from`,
    [q.countryCode ?? null, q.salesChannel ?? null, q.serviceProductCode ?? null, q.validOn ?? null],
  );
  return rows;
}

/** Rules of the same country, channel and product whose dates meet [validFrom, validTo) — other than `exceptId`. */
export async function findOverlaps(
  db: Queryable,
  key: { countryCode: string; salesChannel: string; serviceProductCode: string },
  validFrom: string,
  validTo: string | null,
  exceptId: string | null = null,
): Promise<PricingRule[]> {
  const { rows } = await db.query<PricingRule>(
    `SELECT ${RULE_COLUMNS} FROM ${RULE_FROM}
      WHERE r.country_code = $1 AND r.sales_channel = $2 AND r.service_product_code = $3
        AND daterange(r.valid_from, r.valid_to, '[)') && daterange($4::date, $5::date, '[)')
        AND ($6::uuid IS NULL OR r.id <> $6::uuid)
      ORDER BY r.valid_from`,
    [key.countryCode, key.salesChannel, key.serviceProductCode, validFrom, validTo, exceptId],
  );
  return rows;
}

const span = (r: { validFrom: string; validTo: string | null }) => `from ${r.validFrom} ${r.validTo ? `until ${r.validTo} (exclusive)` : 'with no end'}`;

/** The refusal's message: which rule is in the way, its dates, and the way out. */
export function overlapMessage(
  key: { countryCode: string; salesChannel: string; serviceProductCode: string },
  dates: { validFrom: string; validTo: string | null },
  others: PricingRule[],
): string {
  const named = others.map((o) => `${o.id} (${span(o)})`).join(', ');
  return (
    `a ${key.countryCode} ${key.salesChannel} pricing rule for ${key.serviceProductCode} ${span(dates)} overlaps ${named}: ` +
    'one rule per country, channel and product at a time; close the other rule first (POST /pricing-rules/<id>/close) or choose other dates'
  );
}

/** Serialises the writes of one country, channel and product until the transaction ends. */
export async function lockKey(db: Queryable, key: { countryCode: string; salesChannel: string; serviceProductCode: string }): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`pricing-rules:${key.countryCode}:${key.salesChannel}:${key.serviceProductCode}`]);
}
