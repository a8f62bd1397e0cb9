import { z } from 'zod';

const claim = z.object({ claimId: z.uuid() });
/** The operator who completed the user task before the job (operator-tasks sets it on every completion). */
const completedBy = z.string().min(1).max(255).optional().nullable();
const note = z.string().max(2000).optional().nullable();

/** claim-register: the claim the instance was started for. */
export const registerVariables = claim;

/**
 * claim-acknowledge: the operator's answer on acknowledge-claim. `handling` is the instance's
 * variable: claim-register's ('warranty' for a covered claim, else null) unless the operator set
 * goodwill or billable.
 */
export const acknowledgeVariables = claim.extend({
  decision: z.enum(['investigate', 'reject']),
  handling: z.enum(['warranty', 'goodwill', 'billable']).optional().nullable(),
  note,
  completedBy,
});

/** claim-record-breach: which of the country's times passed (the model's input mapping). */
export const breachVariables = claim.extend({ sla: z.enum(['acknowledge', 'decide']) });

/** claim-record-decision: the operator's decision on decide-claim. */
export const decisionVariables = claim.extend({
  decision: z.enum(['repair', 'refund', 'reject']),
  refundAmountMinor: z.number().int().positive().optional().nullable(),
  note,
  completedBy,
});

/** claim-record-approval: an approver's answer, at the level the instance was waiting for. */
export const approvalVariables = claim.extend({
  approvalLevel: z.enum(['bu-manager', 'country-director']),
  approved: z.boolean(),
  comment: z.string().max(2000).optional().nullable(),
  completedBy,
});

/** claim-refund, claim-reject: the claim, and for a rejection the reason the customer receives. */
export const settleVariables = claim.extend({ note });
