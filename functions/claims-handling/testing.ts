import { claimDecided } from '../../events';
import { claimHistory, seedClaim, seedClaimableOrder, type ClaimableOrder, type ClaimableOrderOptions, type ClaimSeed } from '../../test/support/claims';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, outboxOf, postJob, useOrderSeller } from '../../test/support/tv';
import { claimsHandlingFunction } from './function';
import { claimReference } from '../../shared/domain/claim-history';

export type Variables = Record<string, unknown>;

export interface ClaimDbRow {
  status: string;
  entitlement: string | null;
  warranty_code: string | null;
  handling: string | null;
  decision: string | null;
  refund_amount_minor: number | null;
  currency: string | null;
  decision_reason: string | null;
  process_instance_key: string | null;
  acknowledged_at: Date | null;
  decided_at: Date | null;
  closed_at: Date | null;
}

/** A fresh process instance key (claims.claims.process_instance_key is unique). */
export const instanceKey = () => `7${Date.now()}${Math.floor(Math.random() * 1e6)}`;

/**
 * claims-handling served on the test database; orders sold through the real order-intake,
 * worked, accepted and closed (test/support/claims.ts), claims written straight to claims.claims,
 * jobs of the claim process posted as the bridge posts them.
 */
export async function startClaimsHandlingHarness() {
  const db = useTestDb();
  const sell = await useOrderSeller(db);
  const url = await startFunction('claims-handling', claimsHandlingFunction({ db, logger: memoryLogger() }));

  /** Posts a job of the claim process (a fresh job key each time: a retry by the engine). */
  const run = (type: string, variables: Variables, processInstanceKey: string) =>
    postJob(url, job(type, variables, { bpmnProcessId: 'claim', processInstanceKey }));

  const claimableOrder = (options?: ClaimableOrderOptions) => seedClaimableOrder(db, sell, options);

  /** A claim on `order` bound to a fresh process instance (as the first job of the instance left it, unless told). */
  async function claimOn(order: ClaimableOrder, seed: ClaimSeed = {}) {
    const processInstanceKey = seed.processInstanceKey ?? instanceKey();
    const claimId = await seedClaim(db, order.id, { processInstanceKey, ...seed });
    return { claimId, processInstanceKey, run: (type: string, variables: Variables = {}) => run(type, { claimId, ...variables }, processInstanceKey) };
  }

  const claimRow = async (claimId: string) =>
    (
      await db.query<ClaimDbRow>(
        `SELECT status, entitlement, warranty_code, handling, decision, refund_amount_minor::float8 AS refund_amount_minor, currency, decision_reason,
                process_instance_key, acknowledged_at, decided_at, closed_at
           FROM claims.claims WHERE id = $1`,
        [claimId],
      )
    ).rows[0]!;

  /** The claim's audit trail, oldest first. */
  const historyOf = (claimId: string) => claimHistory(db, claimId);

  /** The claim's approvals and refusals, oldest first. */
  const approvalsOf = async (claimId: string) =>
    (
      await db.query<{ level: string; amount_minor: number; decision: string; comment: string | null; decided_by: string }>(
        `SELECT level, amount_minor::float8 AS amount_minor, decision, comment, decided_by FROM claims.approvals WHERE claim_id = $1 ORDER BY decided_at, id`,
        [claimId],
      )
    ).rows;

  /** The messages asked for the claim's customer: [templateId, parameters], oldest first. */
  const messagesOf = async (orderId: string, claimId: string) =>
    (await outboxOf(db, orderId))
      .filter((e) => e.type.startsWith('ahs.notify'))
      .map((e) => e.data as { templateId: string; parameters: Record<string, unknown> })
      .filter((m) => m.parameters.claimReference === claimReference(claimId))
      .map((m) => [m.templateId, m.parameters]);

  /** The claims.claim.decided events of the claim, oldest first. */
  const decidedEventsOf = async (orderId: string, claimId: string) =>
    (await outboxOf(db, orderId)).filter((e) => e.type === claimDecided.type && e.data.claimId === claimId).map((e) => e.data);

  return { db, url, run, claimableOrder, claimOn, claimRow, historyOf, approvalsOf, messagesOf, decidedEventsOf };
}

/** The warranty that covers a claim on `claimedOn`: of those running, the one ending last. */
export const coveringOn = (order: ClaimableOrder, claimedOn: string) =>
  order.warranties.filter((w) => w.startsOn <= claimedOn && claimedOn <= w.endsOn).reduce((a, b) => (b.endsOn > a.endsOn ? b : a));

/** What claim-register records for a claim made on 1 September 2026, within the order's warranties. */
export const COVERED = (order: ClaimableOrder) => {
  const warranty = coveringOn(order, '2026-09-01');
  return { entitlement: 'covered' as const, warrantyCode: warranty.code, handling: 'warranty' as const };
};
