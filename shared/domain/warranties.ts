import type { Queryable } from '../db';
import { NotFoundError } from '../errors';

/**
 * Legal warranty clocks (wcf.warranty_rules, seeded by migration 1700000001210_wcf-warranties):
 * when the customer accepts the work on the Work Closing Form, each rule of the order's country
 * that covers one of its products' warranty categories starts on the acceptance date. A rule
 * covering every category applies to every order of its country, so a product without a
 * category (wcf.product_warranty_categories) falls under those rules only.
 *
 * A warranty runs N months from acceptance and ends on the anniversary date: `endsOn` is the
 * last covered day, inclusive (accepted 2026-03-10 for 1 year: covered through 2027-03-10).
 */
export const warrantyCategories = ['fitting', 'equipment', 'building', 'structural'] as const;
export type WarrantyCategory = (typeof warrantyCategories)[number];

/** A warranty started on an order (wcf.warranties): a copy of its rule at acceptance. */
export interface Warranty {
  id: string;
  serviceOrderId: string;
  countryCode: string;
  code: string;
  name: string;
  legalSource: string;
  categories: WarrantyCategory[];
  /** The acceptance date, YYYY-MM-DD. */
  startsOn: string;
  /** The last covered day, YYYY-MM-DD: the anniversary of startsOn (see warrantyEndDate). */
  endsOn: string;
  /** Days the customer has to report a defect once discovered; null where the law sets none. */
  reportingWindowDays: number | null;
  /** The Work Closing Form whose acceptance started it. */
  formId: string | null;
}

export interface WarrantyView extends Warranty {
  /** startsOn <= today <= endsOn. */
  running: boolean;
  /** Days from today to endsOn (0 on the last covered day and once expired). */
  daysLeft: number;
}

const DAY_MS = 86_400_000;

function parseDate(value: string): Date {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${value}`);
  }
  return date;
}

/**
 * The last covered day of a warranty of `months` calendar months starting on `startsOn`: the
 * same day of the month `months` later, or that month's last day when it is shorter
 * (2024-02-29 + 12 months = 2025-02-28; 2026-01-31 + 1 month = 2026-02-28).
 */
export function warrantyEndDate(startsOn: string, months: number): string {
  if (!Number.isInteger(months) || months <= 0) throw new RangeError(`not a positive number of months: ${months}`);
  const start = parseDate(startsOn);
  const monthIndex = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay))).toISOString().slice(0, 10);
}

const COLUMNS = `id, service_order_id AS "serviceOrderId", country_code AS "countryCode", code, name, legal_source AS "legalSource",
  categories, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn",
  reporting_window_days AS "reportingWindowDays", form_id AS "formId"`;

async function warrantiesOf(db: Queryable, serviceOrderId: string): Promise<Warranty[]> {
  const { rows } = await db.query<Warranty>(`SELECT ${COLUMNS} FROM wcf.warranties WHERE service_order_id = $1 ORDER BY ends_on, code`, [serviceOrderId]);
  return rows;
}

interface Rule {
  code: string;
  name: string;
  legalSource: string;
  durationMonths: number;
  reportingWindowDays: number | null;
  categories: WarrantyCategory[];
}

/**
 * Starts the order's warranties on `acceptedOn` (call in the transaction that records the
 * acceptance). Idempotent: a warranty already started is kept as it is (UNIQUE order + code),
 * so a second call inserts nothing and returns the same rows. Throws NotFoundError for an
 * unknown order.
 */
export async function startWarranties(tx: Queryable, input: { serviceOrderId: string; acceptedOn: string; formId: string | null }): Promise<Warranty[]> {
  parseDate(input.acceptedOn);
  const {
    rows: [order],
  } = await tx.query<{ countryCode: string }>('SELECT country_code AS "countryCode" FROM orders.service_orders WHERE id = $1', [input.serviceOrderId]);
  if (!order) throw new NotFoundError(`service order ${input.serviceOrderId} not found`);
  const { rows: rules } = await tx.query<Rule>(
    `SELECT r.code, r.name, r.legal_source AS "legalSource", r.duration_months AS "durationMonths",
            r.reporting_window_days AS "reportingWindowDays", r.categories
       FROM wcf.warranty_rules r
      WHERE r.country_code = $2
        AND (r.categories @> $3::text[]
             OR r.categories && ARRAY(SELECT c.category::text
                                        FROM orders.service_order_lines l
                                        JOIN wcf.product_warranty_categories c ON c.service_product_code = l.service_product_code
                                       WHERE l.service_order_id = $1))`,
    [input.serviceOrderId, order.countryCode, warrantyCategories],
  );
  for (const rule of rules) {
    await tx.query(
      `INSERT INTO wcf.warranties
         (service_order_id, country_code, code, name, legal_source, categories, starts_on, ends_on, reporting_window_days, form_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (service_order_id, code) DO NOTHING`,
      [
        input.serviceOrderId,
        order.countryCode,
        rule.code,
        rule.name,
        rule.legalSource,
        rule.categories,
        input.acceptedOn,
        warrantyEndDate(input.acceptedOn, rule.durationMonths),
        rule.reportingWindowDays,
        input.formId,
      ],
    );
  }
  return warrantiesOf(tx, input.serviceOrderId);
}

/** The order's warranties as operators see them on `today` (YYYY-MM-DD), the soonest to end first. */
export async function orderWarranties(db: Queryable, serviceOrderId: string, today: string): Promise<WarrantyView[]> {
  const day = parseDate(today).getTime();
  return (await warrantiesOf(db, serviceOrderId)).map((w) => {
    const daysLeft = Math.max(0, Math.round((parseDate(w.endsOn).getTime() - day) / DAY_MS));
    return { ...w, running: w.startsOn <= today && today <= w.endsOn, daysLeft };
  });
}

/** The warranties that cover a claim dated `claimDate` (YYYY-MM-DD): started on or before it, ending on or after it. */
export function coveringWarranties<W extends Pick<Warranty, 'startsOn' | 'endsOn'>>(warranties: readonly W[], claimDate: string): W[] {
  parseDate(claimDate);
  return warranties.filter((w) => w.startsOn <= claimDate && claimDate <= w.endsOn);
}
