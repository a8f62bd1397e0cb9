import type { Queryable } from '../db';
import { coveringWarranties, type Warranty } from './warranties';

/**
 * The rules of a claim on a closed order (claims.country_settings, migration 1700000001300_claims):
 * whether the order's warranties cover it (entitlement) and who must approve a refund
 * (approvalChain, approvalLimit). Amounts are in minor units of the country's currency.
 */
export const expertProviderPolicies = ['exclude-original', 'prefer-original', 'any'] as const;
export type ExpertProviderPolicy = (typeof expertProviderPolicies)[number];

export const approvalLevels = ['operator', 'bu-manager', 'country-director'] as const;
export type ApprovalLevel = (typeof approvalLevels)[number];

export interface ClaimSettings {
  currency: string;
  /** ISO 8601 duration (one unit: PT48H, P10D) to acknowledge a claim once received. */
  acknowledgeWithin: string;
  /** ISO 8601 duration to decide once the claim is acknowledged. */
  decideWithin: string;
  /** The deciding operator refunds up to this amount alone. */
  operatorRefundLimitMinor: number;
  /** A BU manager approves up to this amount; above it the country director approves too. */
  buManagerRefundLimitMinor: number;
  /** Who makes the expert visit: never, preferably or possibly the provider of the claimed work. */
  expertProvider: ExpertProviderPolicy;
  /** Days after closing that the customer's claim link works. */
  claimLinkDays: number;
}

/**
 * A country without a row: EUR 500 for the operator, EUR 5,000 for a BU manager, acknowledged
 * within 48 hours, decided within 10 days, an expert other than the original provider, the claim
 * link valid for a year.
 */
export const defaultClaimSettings: ClaimSettings = {
  currency: 'EUR',
  acknowledgeWithin: 'PT48H',
  decideWithin: 'P10D',
  operatorRefundLimitMinor: 50_000,
  buManagerRefundLimitMinor: 500_000,
  expertProvider: 'exclude-original',
  claimLinkDays: 365,
};

export async function claimSettings(db: Queryable, countryCode: string): Promise<ClaimSettings> {
  const {
    rows: [row],
  } = await db.query<ClaimSettings>(
    `SELECT currency, acknowledge_within AS "acknowledgeWithin", decide_within AS "decideWithin",
            operator_refund_limit_minor::float8 AS "operatorRefundLimitMinor", bu_manager_refund_limit_minor::float8 AS "buManagerRefundLimitMinor",
            expert_provider AS "expertProvider", claim_link_days AS "claimLinkDays"
       FROM claims.country_settings WHERE country_code = $1`,
    [countryCode],
  );
  return row ?? defaultClaimSettings;
}

type ClaimableWarranty = Pick<Warranty, 'code' | 'startsOn' | 'endsOn' | 'reportingWindowDays'>;

/** Why no warranty covers a claim. */
export type OutOfWarranty =
  | { entitlement: 'out-of-warranty'; reason: 'no-warranty' }
  /** Claimed before the warranties started (the work was not accepted yet). */
  | { entitlement: 'out-of-warranty'; reason: 'not-started'; startsOn: string }
  /** Every warranty had ended; endedOn is the last end date. */
  | { entitlement: 'out-of-warranty'; reason: 'ended'; endedOn: string }
  /** A warranty was running but the defect was reported after its window; reportBy was the last day. */
  | { entitlement: 'out-of-warranty'; reason: 'reported-too-late'; warrantyCode: string; reportBy: string };

export type Entitlement<W extends ClaimableWarranty = Warranty> = { entitlement: 'covered'; warranty: W } | OutOfWarranty;

function calendarDate(date: string): Date {
  const day = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return day;
}

const addDays = (date: string, days: number) => new Date(calendarDate(date).getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Whether the order's warranties cover a claim made on `claimedOn` (YYYY-MM-DD) for a defect
 * discovered on `discoveredOn` (the claim date when not given). A warranty covers when the claim
 * date is within it (coveringWarranties) and, if it has a reporting window, the claim is made
 * at most that many days after the discovery (IT art. 1667: 60 days). Of those, the one ending
 * last covers (ES: habitability, 3 years, before finishing, 1 year). Otherwise the reason names
 * the running warranty whose window passed, else the last end date, else the start date.
 * Throws RangeError for a date that is not one or a discovery after the claim.
 */
export function entitlement<W extends ClaimableWarranty>(warranties: readonly W[], claimedOn: string, discoveredOn?: string): Entitlement<W> {
  const discovery = discoveredOn ?? claimedOn;
  calendarDate(discovery);
  if (discovery > claimedOn) throw new RangeError(`discovered on ${discovery}, after the claim on ${claimedOn}`);
  const running = coveringWarranties(warranties, claimedOn);
  const reportBy = (w: W) => (w.reportingWindowDays === null ? null : addDays(discovery, w.reportingWindowDays));
  const covering = running.filter((w) => (reportBy(w) ?? claimedOn) >= claimedOn);
  const warranty = covering.reduce<W | undefined>((best, w) => (best === undefined || w.endsOn > best.endsOn ? w : best), undefined);
  if (warranty) return { entitlement: 'covered', warranty };
  if (warranties.length === 0) return { entitlement: 'out-of-warranty', reason: 'no-warranty' };
  // Every running warranty has a window (one without covers), and every window has passed.
  const late = running.map((w) => ({ code: w.code, until: reportBy(w) ?? claimedOn })).sort((x, y) => y.until.localeCompare(x.until))[0];
  if (late) return { entitlement: 'out-of-warranty', reason: 'reported-too-late', warrantyCode: late.code, reportBy: late.until };
  const ended = warranties.filter((w) => w.endsOn < claimedOn).map((w) => w.endsOn);
  if (ended.length > 0) return { entitlement: 'out-of-warranty', reason: 'ended', endedOn: ended.reduce((a, b) => (b > a ? b : a)) };
  return { entitlement: 'out-of-warranty', reason: 'not-started', startsOn: warranties.map((w) => w.startsOn).reduce((a, b) => (b < a ? b : a)) };
}

type RefundLimits = Pick<ClaimSettings, 'operatorRefundLimitMinor' | 'buManagerRefundLimitMinor'>;

/**
 * Who must approve a refund of `amountMinor`, in order, once an operator has decided it. The
 * deciding operator's own decision is the operator level, so up to the operator limit nobody
 * else approves: `[]`; up to the BU manager's limit `['bu-manager']`; above it the BU manager
 * then the country director. Each limit is inclusive (EUR 500.00 exactly needs no approval).
 * Throws RangeError for an amount that is not a positive whole number of minor units.
 */
export function approvalChain(amountMinor: number, settings: RefundLimits): Exclude<ApprovalLevel, 'operator'>[] {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new RangeError(`not a positive amount in minor units: ${amountMinor}`);
  if (amountMinor <= settings.operatorRefundLimitMinor) return [];
  if (amountMinor <= settings.buManagerRefundLimitMinor) return ['bu-manager'];
  return ['bu-manager', 'country-director'];
}

/**
 * The largest refund a role settles on its own authority: the operator's and the BU manager's
 * limits, unlimited (Infinity) for the country director. The last level of a chain always has a
 * limit at or above the amount; a caller refuses (403, naming this limit) someone who would
 * settle a refund above their limit, e.g. a BU manager approving at the country director's level
 * (in a two-level chain the BU manager's approval is a step, not the last word).
 */
export function approvalLimit(role: ApprovalLevel, settings: RefundLimits): number {
  switch (role) {
    case 'operator':
      return settings.operatorRefundLimitMinor;
    case 'bu-manager':
      return settings.buManagerRefundLimitMinor;
    case 'country-director':
      return Number.POSITIVE_INFINITY;
  }
}
