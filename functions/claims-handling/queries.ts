import type { DbClient } from '../../shared/db';
import { claimReference } from '../../shared/domain/claim-history';
import { informCustomer } from '../../shared/domain/messages';
import { PermanentError } from '../../shared/errors';
import type { Outbox } from '../../shared/outbox/outbox';

export interface ClaimRow {
  id: string;
  service_order_id: string;
  process_instance_key: string | null;
  status: string;
  claimed_at: Date;
  discovered_on: string | null;
  entitlement: 'covered' | 'out-of-warranty' | null;
  warranty_code: string | null;
  handling: 'warranty' | 'goodwill' | 'billable' | null;
  decision: 'repair' | 'refund' | 'reject' | null;
  refund_amount_minor: number | null;
  currency: string | null;
  decision_reason: string | null;
  repair_order_id: string | null;
  acknowledged_at: Date | null;
  decided_at: Date | null;
  closed_at: Date | null;
  /** The claimed order: what telling its customer needs. */
  country_code: string;
  timezone: string;
  customer_id: string;
  customer_has_email: boolean;
  sales_order_id: string;
}

/**
 * The claim, locked (FOR UPDATE) until the transaction ends, with its order. The first job of an
 * instance binds the claim to it; a job of another instance is an incident (one workflow per
 * claim, by the start message's id).
 */
export async function lockClaim(tx: DbClient, claimId: string, processInstanceKey: string): Promise<ClaimRow> {
  const {
    rows: [claim],
  } = await tx.query<ClaimRow>(
    `SELECT c.id, c.service_order_id, c.process_instance_key, c.status, c.claimed_at, to_char(c.discovered_on, 'YYYY-MM-DD') AS discovered_on,
            c.entitlement, c.warranty_code, c.handling, c.decision, c.refund_amount_minor::float8 AS refund_amount_minor, c.currency,
            c.decision_reason, c.repair_order_id, c.acknowledged_at, c.decided_at, c.closed_at,
            o.country_code, cn.timezone, o.customer_id, cu.email IS NOT NULL AS customer_has_email, o.sales_order_id
       FROM claims.claims c
       JOIN orders.service_orders o ON o.id = c.service_order_id
       JOIN orders.customers cu ON cu.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
      WHERE c.id = $1
      FOR UPDATE OF c`,
    [claimId],
  );
  if (!claim) throw new PermanentError(`claim ${claimId} not found`, 'unknown-claim');
  if (claim.process_instance_key === null) {
    await tx.query(`UPDATE claims.claims SET process_instance_key = $2 WHERE id = $1`, [claimId, processInstanceKey]);
    claim.process_instance_key = processInstanceKey;
  } else if (claim.process_instance_key !== processInstanceKey) {
    throw new PermanentError(`claim ${claimId} belongs to process instance ${claim.process_instance_key}`, 'claim-of-another-instance');
  }
  return claim;
}

/** Refuses a job on a claim in a status the model cannot reach it in (an incident, nothing changed). */
export function expectStatus(claim: ClaimRow, ...statuses: string[]): void {
  if (!statuses.includes(claim.status)) {
    throw new PermanentError(`claim ${claim.id} is ${claim.status}, not ${statuses.join(' or ')}`, 'claim-status');
  }
}

/** Asks for a message to the claim's customer (email, else SMS; by reference, no PII), in the job's transaction. */
export const tellClaimant = (outbox: Outbox, claim: ClaimRow, templateId: string, parameters: Record<string, string | number>) =>
  informCustomer(outbox, {
    serviceOrderId: claim.service_order_id,
    customerId: claim.customer_id,
    hasEmail: claim.customer_has_email,
    countryCode: claim.country_code,
    templateId,
    parameters: { orderReference: claim.sales_order_id, claimReference: claimReference(claim.id), ...parameters },
  });

/** Who acted on a user task, as the history records it. */
export const actorOf = (completedBy: string | null | undefined) => completedBy ?? 'operator';
