import type { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import { recordClaimHistory } from '../../shared/domain/claim-history';
import { claimSettings } from '../../shared/domain/claim-rules';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { durationMs } from '../../shared/workflow/duration';
import { localDate } from '../../shared/domain/locale';
import { actorOf, expectStatus, lockClaim, tellClaimant } from './queries';
import type { acknowledgeVariables, breachVariables } from './schema';

/**
 * claim-acknowledge: records the operator's acknowledgement (acknowledge-claim). A claim out of
 * warranty is investigated only as goodwill or billable: without `handling` it goes back to the
 * operator (BPMN error CLAIM_HANDLING_MISSING, nothing changed). Answers `decideBy`, the
 * acknowledgement plus the country's decide time, which the model's timer watches; the customer
 * is told the date. A rejection is acknowledged here and closed by claim-reject. A retried job
 * answers what was recorded.
 */
export async function acknowledgeClaim(
  { claimId, decision, handling, note, completedBy }: z.infer<typeof acknowledgeVariables>,
  { tx, outbox, job }: JobContext,
): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  const settings = await claimSettings(tx, claim.country_code);
  const decideByOf = (acknowledgedAt: Date) => new Date(acknowledgedAt.getTime() + durationMs(settings.decideWithin));
  if (claim.acknowledged_at) return { kind: 'complete', variables: { decideBy: decideByOf(claim.acknowledged_at).toISOString() } };
  expectStatus(claim, 'received');

  const chosen = handling === 'goodwill' || handling === 'billable' ? handling : null;
  if (decision === 'investigate' && claim.entitlement === 'out-of-warranty' && !chosen) {
    return {
      kind: 'bpmn-error',
      errorCode: bpmnErrors.claimHandlingMissing,
      message: `claim ${claimId} is out of warranty: say whether it is investigated as goodwill or billable (handling)`,
    };
  }
  const handled = claim.entitlement === 'covered' ? 'warranty' : decision === 'investigate' ? chosen : null;
  const {
    rows: [row],
  } = await tx.query<{ acknowledged_at: Date }>(
    `UPDATE claims.claims SET status = 'acknowledged', acknowledged_at = NOW(), handling = COALESCE($2, handling), updated_at = NOW()
      WHERE id = $1 RETURNING acknowledged_at`,
    [claimId, handled ?? null],
  );
  const decideBy = decideByOf(row!.acknowledged_at);
  await recordClaimHistory(tx, claimId, actorOf(completedBy), 'acknowledged', {
    decision,
    ...(handled ? { handling: handled } : {}),
    ...(note ? { note } : {}),
    ...(decision === 'investigate' ? { decideBy: decideBy.toISOString() } : {}),
  });
  if (decision === 'investigate') await tellClaimant(outbox, claim, 'claim.acknowledged', { decideBy: localDate(decideBy, claim.timezone) });
  return { kind: 'complete', variables: { decideBy: decideBy.toISOString() } };
}

/**
 * claim-record-breach: the country's time to acknowledge or to decide passed (a non-interrupting
 * timer of the model, on each step that waits within it); the audit trail keeps it once per claim
 * and time. Answers `firstBreach`: the model gives the business unit a task the first time only
 * (a step entered again after its time fires its timer again at once).
 */
export async function recordBreach({ claimId, sla }: z.infer<typeof breachVariables>, { tx, job }: JobContext): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  const action = `${sla}-time-passed`;
  const recorded = await tx.query<{ detail: { jobKey?: string } }>(
    `SELECT detail FROM claims.history WHERE claim_id = $1 AND action = $2 ORDER BY id LIMIT 1`,
    [claimId, action],
  );
  const first = recorded.rows[0];
  // A retried job of the breach that was recorded is still the first.
  if (first) return { kind: 'complete', variables: { firstBreach: first.detail.jobKey === job.key } };
  await recordClaimHistory(tx, claimId, 'system', action, { status: claim.status, jobKey: job.key });
  return { kind: 'complete', variables: { firstBreach: true } };
}
