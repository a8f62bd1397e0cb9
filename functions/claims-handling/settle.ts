import type { z } from 'zod';
import { announceClaimDecision } from '../../shared/domain/claim-decided';
import { recordClaimHistory } from '../../shared/domain/claim-history';
import { approvalChain, claimSettings } from '../../shared/domain/claim-rules';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { expectStatus, lockClaim, tellClaimant } from './queries';
import type { settleVariables } from './schema';

/**
 * claim-refund: every level of the refund's chain approved it (checked again here, an incident
 * otherwise): the claim is refunded and closed, finance is told (claims.claim.decided with the
 * amount and who approved) and so is the customer. Once: a retried job changes nothing.
 */
export async function refundClaim({ claimId }: z.infer<typeof settleVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  if (claim.status === 'refunded') return { kind: 'complete' };
  expectStatus(claim, 'deciding', 'awaiting-approval');
  if (claim.decision !== 'refund' || claim.refund_amount_minor === null || !claim.decided_at) {
    throw new PermanentError(`claim ${claimId} has no refund decided`, 'no-refund-decided');
  }
  const chain = approvalChain(claim.refund_amount_minor, await claimSettings(tx, claim.country_code));
  const { rows } = await tx.query<{ level: string }>(
    `SELECT DISTINCT level FROM claims.approvals WHERE claim_id = $1 AND decision = 'approved' AND amount_minor = $2 AND decided_at >= $3`,
    [claimId, claim.refund_amount_minor, claim.decided_at],
  );
  const missing = chain.filter((level) => !rows.some((r) => r.level === level));
  if (missing.length > 0) throw new PermanentError(`the refund of claim ${claimId} lacks the approval of ${missing.join(', ')}`, 'refund-not-approved');

  await tx.query(`UPDATE claims.claims SET status = 'refunded', closed_at = NOW(), updated_at = NOW() WHERE id = $1`, [claimId]);
  await recordClaimHistory(tx, claimId, 'system', 'refunded', { refundAmountMinor: claim.refund_amount_minor, currency: claim.currency });
  await announceClaimDecision(tx, outbox, claimId);
  await tellClaimant(outbox, claim, 'claim.refund-approved', { amountMinor: claim.refund_amount_minor, currency: claim.currency! });
  return { kind: 'complete' };
}

/**
 * claim-reject: closes the claim as rejected with the reason the customer receives (the
 * operator's note on acknowledge-claim, or the decision's). Once: a retried job changes nothing.
 */
export async function rejectClaim({ claimId, note }: z.infer<typeof settleVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  if (claim.status === 'rejected') return { kind: 'complete' };
  expectStatus(claim, 'acknowledged', 'deciding');
  if (claim.decision !== null && claim.decision !== 'reject') throw new PermanentError(`claim ${claimId} was decided ${claim.decision}`, 'claim-decided');
  const reason = claim.decision === 'reject' ? claim.decision_reason : note;
  if (!reason) throw new PermanentError(`rejecting claim ${claimId} needs the reason the customer receives (note)`, 'reject-reason-missing');
  await tx.query(
    `UPDATE claims.claims SET decision = 'reject', decision_reason = $2, decided_at = COALESCE(decided_at, NOW()), status = 'rejected',
            closed_at = NOW(), updated_at = NOW()
      WHERE id = $1`,
    [claimId, reason],
  );
  await recordClaimHistory(tx, claimId, 'system', 'rejected', { reason });
  await announceClaimDecision(tx, outbox, claimId);
  await tellClaimant(outbox, claim, 'claim.rejected', { reason });
  return { kind: 'complete' };
}
