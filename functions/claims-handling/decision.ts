import type { z } from 'zod';
import { recordClaimHistory } from '../../shared/domain/claim-history';
import { approvalChain, claimSettings, type ClaimSettings } from '../../shared/domain/claim-rules';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { actorOf, expectStatus, lockClaim, type ClaimRow } from './queries';
import type { approvalVariables, decisionVariables } from './schema';

/** What the model routes on after a decision or an approval, and what operator-tasks checks an approver against. */
function routed(claim: Pick<ClaimRow, 'refund_amount_minor'>, settings: ClaimSettings, approvalLevel: string): JobOutcome {
  return {
    kind: 'complete',
    variables: {
      approvalLevel,
      refundAmountMinor: claim.refund_amount_minor,
      currency: settings.currency,
      operatorRefundLimitMinor: settings.operatorRefundLimitMinor,
      buManagerRefundLimitMinor: settings.buManagerRefundLimitMinor,
    },
  };
}

const firstLevel = (claim: Pick<ClaimRow, 'decision' | 'refund_amount_minor'>, settings: ClaimSettings) =>
  claim.decision === 'refund' && claim.refund_amount_minor !== null ? (approvalChain(claim.refund_amount_minor, settings)[0] ?? 'none') : 'none';

/**
 * claim-record-decision: the operator's decision on the expert's findings (decide-claim). A
 * refund is in the country's currency; its amount sets the approval chain (claim-rules.ts
 * approvalChain): up to the operator's limit the operator's own decision is the approval, above
 * it the claim awaits the BU manager, then the country director. Answers `approvalLevel` (none,
 * bu-manager or country-director) and the limits the approvers are checked against. A retried
 * job answers what was recorded.
 */
export async function recordDecision(
  { claimId, decision, refundAmountMinor, note, completedBy }: z.infer<typeof decisionVariables>,
  { tx, job }: JobContext,
): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  const settings = await claimSettings(tx, claim.country_code);
  if (claim.decided_at) return routed(claim, settings, firstLevel(claim, settings));
  expectStatus(claim, 'deciding');
  if (decision === 'refund' && !refundAmountMinor) throw new PermanentError(`a refund of claim ${claimId} needs refundAmountMinor`, 'refund-amount-missing');
  if (decision === 'reject' && !note) throw new PermanentError(`rejecting claim ${claimId} needs the reason (note)`, 'reject-reason-missing');

  const amount = decision === 'refund' ? refundAmountMinor! : null;
  const chain = amount === null ? [] : approvalChain(amount, settings);
  const actor = actorOf(completedBy);
  await tx.query(
    `UPDATE claims.claims SET decision = $2, refund_amount_minor = $3, currency = $4, decision_reason = $5, decided_at = NOW(),
            status = $6, updated_at = NOW()
      WHERE id = $1`,
    [claimId, decision, amount, amount === null ? null : settings.currency, note ?? null, chain.length > 0 ? 'awaiting-approval' : 'deciding'],
  );
  if (amount !== null) {
    await tx.query(
      `INSERT INTO claims.approvals (claim_id, level, amount_minor, decision, comment, decided_by) VALUES ($1, 'operator', $2, 'approved', $3, $4)`,
      [claimId, amount, note ?? null, actor],
    );
  }
  await recordClaimHistory(tx, claimId, actor, 'decided', {
    decision,
    ...(amount !== null ? { refundAmountMinor: amount, currency: settings.currency, approvalChain: chain } : {}),
    ...(note ? { note } : {}),
  });
  return routed({ refund_amount_minor: amount }, settings, chain[0] ?? 'none');
}

/**
 * claim-record-approval: a BU manager's or the country director's answer on the refund. Approved:
 * the next level of the chain, or `none` when it was the last. Refused: the decision is cleared
 * (the refused amount stays in claims.approvals and the history) and the model goes back to
 * decide-claim with the comment (`refused`). A retried job answers what was recorded.
 */
export async function recordApproval(
  { claimId, approvalLevel, approved, comment, completedBy }: z.infer<typeof approvalVariables>,
  { tx, job }: JobContext,
): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  const settings = await claimSettings(tx, claim.country_code);
  const {
    rows: [latest],
  } = await tx.query<{ level: string; decision: 'approved' | 'refused'; amount_minor: number }>(
    `SELECT level, decision, amount_minor::float8 AS amount_minor FROM claims.approvals WHERE claim_id = $1 ORDER BY decided_at DESC, id DESC LIMIT 1`,
    [claimId],
  );
  const nextAfter = (amount: number) => {
    const chain = approvalChain(amount, settings);
    return chain[chain.indexOf(approvalLevel) + 1] ?? 'none';
  };
  // A retry of this very answer: the latest approval is this level's, and the claim shows it.
  if (latest?.level === approvalLevel) {
    if (latest.decision === 'refused' && claim.decision === null) return routed({ refund_amount_minor: latest.amount_minor }, settings, 'refused');
    if (latest.decision === 'approved' && claim.decision === 'refund') return routed(claim, settings, nextAfter(claim.refund_amount_minor!));
  }
  expectStatus(claim, 'awaiting-approval');
  const amount = claim.refund_amount_minor!;
  if (!approvalChain(amount, settings).includes(approvalLevel)) {
    throw new PermanentError(`a refund of ${amount} ${claim.currency} of claim ${claimId} is not for the ${approvalLevel} to approve`, 'approval-level');
  }
  if (!approved && !comment) throw new PermanentError(`refusing the refund of claim ${claimId} needs a comment`, 'refusal-comment-missing');
  const actor = actorOf(completedBy);
  await tx.query(`INSERT INTO claims.approvals (claim_id, level, amount_minor, decision, comment, decided_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
    claimId,
    approvalLevel,
    amount,
    approved ? 'approved' : 'refused',
    comment ?? null,
    actor,
  ]);
  if (approved) {
    await recordClaimHistory(tx, claimId, actor, 'refund-approved', {
      level: approvalLevel,
      refundAmountMinor: amount,
      currency: claim.currency,
      ...(comment ? { comment } : {}),
    });
    return routed(claim, settings, nextAfter(amount));
  }
  await tx.query(
    `UPDATE claims.claims SET decision = NULL, refund_amount_minor = NULL, currency = NULL, decision_reason = NULL, decided_at = NULL,
            status = 'deciding', updated_at = NOW()
      WHERE id = $1`,
    [claimId],
  );
  await recordClaimHistory(tx, claimId, actor, 'refund-refused', { level: approvalLevel, refundAmountMinor: amount, currency: claim.currency, comment });
  return routed({ refund_amount_minor: amount }, settings, 'refused');
}
