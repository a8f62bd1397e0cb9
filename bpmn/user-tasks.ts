import { z } from 'zod';

/**
 * What an operator may set when completing each user task (by element id), and nothing else:
 * a completion must not overwrite what the workflow itself reads (outcome, deadlines, ids).
 */
export const userTaskVariables = {
  /** The TV's SLA passed: how the chase went (a code), and what was said (text or a structured note). */
  'chase-overdue-visit': ['chaseOutcome', 'chaseNote', 'note'],
  /** No provider took the order: the provider the operator chose. */
  'dispatch-by-hand': ['providerId'],
  /** A contract above the approval amount: whether the store manager approves it, and why. */
  'approve-contract': ['approved', 'approvalNote'],
  /**
   * The customer declined or let the contract expire: what the operator decided after calling
   * them (decision: resend | paper | cancel; paperScanDocumentId when signed on paper).
   */
  'follow-up-contract': ['decision', 'paperScanDocumentId', 'note'],
  /** Adobe Sign stayed unavailable: the same decisions, paper first (the scan's document id). */
  'sign-on-paper': ['decision', 'paperScanDocumentId', 'note'],
  /** The customer has not answered the closing form: wait longer after calling them, or open a dispute (note: the reason). */
  'chase-wcf-answer': ['decision', 'note'],
  /** The customer declined or let a WCF form expire, or Adobe Sign stayed unavailable: send it again, or open a dispute. */
  'follow-up-wcf': ['decision', 'note'],
  /** The store has not validated a form the customer and the technician signed: the business unit's note after chasing it. */
  'escalate-wcf-validation': ['note'],
  /** The customer rejected the work: after investigating, re-work (the items to redo) or a dispute (note: the reason). */
  'investigate-wcf-rejection': ['decision', 'reworkItems', 'note'],
  /** Reserves still open past the re-work deadline: more days for the provider, or a dispute. */
  'overdue-reserves': ['decision', 'extensionDays', 'note'],
  /**
   * A claim was received (entitlement computed): investigate it (out of warranty: as goodwill or
   * billable, `handling`) or reject it at once (note: the reason the customer receives).
   */
  'acknowledge-claim': ['decision', 'handling', 'note'],
  /** The claim was not acknowledged within the country's time: the business unit's note after chasing it. */
  'chase-claim-acknowledgement': ['note'],
  /** The expert's findings are in: repair (an order at no charge), refund (an amount in minor units) or reject (the reason). */
  'decide-claim': ['decision', 'refundAmountMinor', 'note'],
  /** The claim was not decided within the country's time: the business unit's note after chasing it. */
  'chase-claim-decision': ['note'],
  /** A refund above the operator's limit: the BU manager approves it, or refuses it back to the decision with a comment. */
  'approve-refund-bu': ['approved', 'comment'],
  /** A refund above the BU manager's limit: the country director approves it, or refuses it back with a comment. */
  'approve-refund-country': ['approved', 'comment'],
} as const satisfies Record<string, readonly string[]>;

const note = z.string().trim().max(2000).optional();
/** A WCF dispute stays open with its reason: the note is required with `decision: dispute`. */
const disputeReason: [(v: { decision: string; note?: string | undefined }) => boolean, { path: PropertyKey[]; message: string }] = [
  (v) => v.decision !== 'dispute' || (v.note !== undefined && v.note.length > 0),
  { path: ['note'], message: 'the reason of the dispute is required' },
];
const reworkItem = z.object({ description: z.string().trim().min(1).max(2000), location: z.string().trim().min(1).max(300) });

const contractDecision = z
  .object({
    decision: z.enum(['resend', 'paper', 'cancel']),
    paperScanDocumentId: z.uuid().optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((v) => v.decision !== 'paper' || v.paperScanDocumentId !== undefined, {
    path: ['paperScanDocumentId'],
    message: 'the documentId of the uploaded scan (POST /contracts/:id/paper-scan) is required for a paper signature',
  });

/**
 * The values a completion must carry, where the model branches on them (a value the model does
 * not expect would otherwise stop the instance on an incident): checked by operator-tasks,
 * 400 naming the variable. Keys are user task element ids of userTaskVariables.
 */
const chaseNote = z.object({ note: z.string().trim().min(1).max(2000) });
const approval = z
  .object({ approved: z.boolean(), comment: z.string().trim().max(2000).optional() })
  .refine((v) => v.approved || (v.comment !== undefined && v.comment.length > 0), {
    path: ['comment'],
    message: 'a refusal goes back to the decision with a comment: the comment is required',
  });

export const userTaskCompletions: Partial<Record<keyof typeof userTaskVariables, z.ZodType>> = {
  'approve-contract': z.object({ approved: z.boolean(), approvalNote: z.string().max(2000).optional() }),
  'follow-up-contract': contractDecision,
  'sign-on-paper': contractDecision,
  'chase-wcf-answer': z.object({ decision: z.enum(['wait', 'dispute']), note }).refine(...disputeReason),
  'follow-up-wcf': z.object({ decision: z.enum(['resend', 'dispute']), note }).refine(...disputeReason),
  'escalate-wcf-validation': z.object({ note: z.string().trim().min(1).max(2000) }),
  'investigate-wcf-rejection': z
    .object({ decision: z.enum(['rework', 'dispute']), reworkItems: z.array(reworkItem).min(1).max(50).optional(), note })
    .refine(...disputeReason)
    .refine((v) => v.decision !== 'rework' || v.reworkItems !== undefined, {
      path: ['reworkItems'],
      message: 'what is to be redone ({description, location} each) is required for a re-work',
    }),
  'overdue-reserves': z
    .object({ decision: z.enum(['extend', 'dispute']), extensionDays: z.number().int().min(1).max(180).optional(), note })
    .refine(...disputeReason)
    .refine((v) => v.decision !== 'extend' || v.extensionDays !== undefined, {
      path: ['extensionDays'],
      message: 'the days added to the deadline (1 to 180) are required to extend it',
    }),
  'acknowledge-claim': z
    .object({ decision: z.enum(['investigate', 'reject']), handling: z.enum(['goodwill', 'billable']).optional(), note })
    .refine((v) => v.decision !== 'reject' || (v.note !== undefined && v.note.length > 0), {
      path: ['note'],
      message: 'the reason the customer receives is required to reject a claim',
    }),
  'chase-claim-acknowledgement': chaseNote,
  'decide-claim': z
    .object({ decision: z.enum(['repair', 'refund', 'reject']), refundAmountMinor: z.number().int().positive().max(1e11).optional(), note })
    .refine((v) => v.decision !== 'refund' || v.refundAmountMinor !== undefined, {
      path: ['refundAmountMinor'],
      message: 'the amount to refund (a positive whole number of minor units, e.g. cents) is required for a refund',
    })
    .refine((v) => v.decision !== 'reject' || (v.note !== undefined && v.note.length > 0), {
      path: ['note'],
      message: 'the reason the customer receives is required to reject a claim',
    }),
  'chase-claim-decision': chaseNote,
  'approve-refund-bu': approval,
  'approve-refund-country': approval,
};

/**
 * The user tasks only an approver completes: the approval level the task stands for. Its
 * completion is refused (403 naming the caller's limit) to someone whose role settles less than
 * the refund (shared/domain/claim-rules.ts approvalLimit, from the task's `refundAmountMinor`
 * and the limits claim-record-decision put on the instance).
 */
export const userTaskApprovalLevels = {
  'approve-refund-bu': 'bu-manager',
  'approve-refund-country': 'country-director',
} as const satisfies Partial<Record<keyof typeof userTaskVariables, 'bu-manager' | 'country-director'>>;
