import type { z } from 'zod';
import { announceClaimDecision } from '../../shared/domain/claim-decided';
import { claimReference, recordClaimHistory } from '../../shared/domain/claim-history';
import { claimSettings } from '../../shared/domain/claim-rules';
import { informCustomer } from '../../shared/domain/messages';
import { PermanentError } from '../../shared/errors';
import type { DbClient } from '../../shared/db';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { createFollowUpOrder, originOrder } from './follow-up-order';
import type { claimVariables } from './schema';

interface ClaimRow {
  id: string;
  service_order_id: string;
  process_instance_key: string | null;
  status: string;
  decision: string | null;
  expert_order_id: string | null;
  repair_order_id: string | null;
  customer_has_email: boolean;
}

async function lockClaim(tx: DbClient, claimId: string, processInstanceKey: string): Promise<ClaimRow> {
  const {
    rows: [claim],
  } = await tx.query<ClaimRow>(
    `SELECT c.id, c.service_order_id, c.process_instance_key, c.status, c.decision, c.expert_order_id, c.repair_order_id,
            cu.email IS NOT NULL AS customer_has_email
       FROM claims.claims c JOIN orders.service_orders o ON o.id = c.service_order_id JOIN orders.customers cu ON cu.id = o.customer_id
      WHERE c.id = $1 FOR UPDATE OF c`,
    [claimId],
  );
  if (!claim) throw new PermanentError(`claim ${claimId} not found`, 'unknown-claim');
  if (claim.process_instance_key !== processInstanceKey) {
    throw new PermanentError(`claim ${claimId} belongs to process instance ${claim.process_instance_key ?? '(none)'}`, 'claim-of-another-instance');
  }
  return claim;
}

/**
 * claim-dispatch-expert: the expert's visit, a 'claim-visit' order dispatched through the funnel
 * like any order. The country's policy says who may make it: never the provider of the claimed
 * work ('exclude-original': an exclusion for the visit), preferably it ('prefer-original': offered
 * first when eligible), or anyone. The claim is then investigating. Answers `expertOrderId`; a
 * retried job answers the order it created.
 */
export function makeDispatchExpert(clock: () => Date) {
  return async ({ claimId }: z.infer<typeof claimVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> => {
    const claim = await lockClaim(tx, claimId, job.processInstanceKey);
    if (claim.expert_order_id) return { kind: 'complete', variables: { expertOrderId: claim.expert_order_id } };
    if (claim.status !== 'acknowledged') throw new PermanentError(`claim ${claimId} is ${claim.status}, not acknowledged`, 'claim-status');
    const origin = await originOrder(tx, claim.service_order_id);
    const policy = (await claimSettings(tx, origin.country_code)).expertProvider;
    const expertOrderId = await createFollowUpOrder(tx, outbox, origin, claimId, 'claim-visit', clock());
    if (origin.provider_id && policy === 'exclude-original') {
      await tx.query(`INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, 'claim-expert-policy')`, [
        expertOrderId,
        origin.provider_id,
      ]);
    }
    if (origin.provider_id && policy === 'prefer-original') {
      await tx.query(`INSERT INTO dispatch.preferences (service_order_id, provider_id, reason) VALUES ($1, $2, 'claim-expert-policy')`, [
        expertOrderId,
        origin.provider_id,
      ]);
    }
    await tx.query(`UPDATE claims.claims SET status = 'investigating', expert_order_id = $2, updated_at = NOW() WHERE id = $1`, [claimId, expertOrderId]);
    await recordClaimHistory(tx, claimId, 'system', 'expert-visit-ordered', { expertOrderId, expertProvider: policy });
    return { kind: 'complete', variables: { expertOrderId } };
  };
}

/**
 * claim-order-repair: the decided repair, a 'repair' order at no charge linked to the claimed
 * order, dispatched through the funnel. The claim is closed as repair-ordered; finance and the
 * customer are told. Once: a retried job changes nothing.
 */
export function makeOrderRepair(clock: () => Date) {
  return async ({ claimId }: z.infer<typeof claimVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> => {
    const claim = await lockClaim(tx, claimId, job.processInstanceKey);
    if (claim.repair_order_id) return { kind: 'complete', variables: { repairOrderId: claim.repair_order_id } };
    if (claim.decision !== 'repair' || claim.status !== 'deciding') {
      throw new PermanentError(`claim ${claimId} is ${claim.status} (decision ${claim.decision ?? 'none'}), not a decided repair`, 'claim-status');
    }
    const origin = await originOrder(tx, claim.service_order_id);
    const repairOrderId = await createFollowUpOrder(tx, outbox, origin, claimId, 'repair', clock());
    await tx.query(`UPDATE claims.claims SET status = 'repair-ordered', repair_order_id = $2, closed_at = NOW(), updated_at = NOW() WHERE id = $1`, [
      claimId,
      repairOrderId,
    ]);
    await recordClaimHistory(tx, claimId, 'system', 'repair-ordered', { repairOrderId });
    await announceClaimDecision(tx, outbox, claimId);
    await informCustomer(outbox, {
      serviceOrderId: origin.id,
      customerId: origin.customer_id,
      hasEmail: claim.customer_has_email,
      countryCode: origin.country_code,
      templateId: 'claim.repair-ordered',
      parameters: { orderReference: origin.sales_order_id, claimReference: claimReference(claimId) },
    });
    return { kind: 'complete', variables: { repairOrderId } };
  };
}
