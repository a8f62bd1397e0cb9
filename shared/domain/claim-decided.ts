import { claimDecided } from '../../events';
import type { Queryable } from '../db';
import type { Outbox } from '../outbox/outbox';

/**
 * Announces a claim's final decision (claims.claim.decided) from its row as the deciding job left
 * it, with the approvals of the refund, in the same transaction. The job that closes the claim
 * calls it once, as it changes the status.
 */
export async function announceClaimDecision(db: Queryable, outbox: Outbox, claimId: string): Promise<void> {
  const {
    rows: [c],
  } = await db.query<{
    service_order_id: string;
    decision: 'repair' | 'refund' | 'reject';
    handling: 'warranty' | 'goodwill' | 'billable' | null;
    warranty_code: string | null;
    refund_amount_minor: number | null;
    currency: string | null;
    repair_order_id: string | null;
    decided_at: Date;
  }>(
    `SELECT service_order_id, decision, handling, warranty_code, refund_amount_minor::float8 AS refund_amount_minor, currency, repair_order_id, decided_at
       FROM claims.claims WHERE id = $1 AND decision IS NOT NULL`,
    [claimId],
  );
  if (!c) throw new Error(`claim ${claimId} has no decision to announce`);
  const { rows: approvals } = await db.query<{ level: 'operator' | 'bu-manager' | 'country-director'; decided_by: string }>(
    `SELECT level, decided_by FROM claims.approvals WHERE claim_id = $1 AND decision = 'approved' AND decided_at >= $2 ORDER BY decided_at, id`,
    [claimId, c.decided_at],
  );
  await outbox.add(
    claimDecided,
    {
      claimId,
      serviceOrderId: c.service_order_id,
      decision: c.decision,
      handling: c.handling,
      warrantyCode: c.warranty_code,
      refund: c.refund_amount_minor !== null && c.currency !== null ? { amountMinor: c.refund_amount_minor, currency: c.currency } : null,
      repairOrderId: c.repair_order_id,
      approvals: c.decision === 'refund' ? approvals.map((a) => ({ level: a.level, decidedBy: a.decided_by })) : [],
      decidedAt: c.decided_at.toISOString(),
    },
    { subject: c.service_order_id },
  );
}
