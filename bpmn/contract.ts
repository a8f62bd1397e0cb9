import { z } from 'zod';

/**
 * The one contract between the BPMN models in this folder and the code.
 *
 * - every `zeebe:taskDefinition type` a model uses is a key of `jobWorkers`, naming the one
 *   worker function (folder under functions/) that does that job;
 * - every message a model waits for is declared once in `messages`, with the correlation key
 *   expression the model subscribes with; functions request them through
 *   `requestWorkflowMessage` (shared/workflow/request-message.ts) with these declarations, never
 *   with a bare string;
 * - every BPMN error code a worker may raise is declared in `bpmnErrors`;
 * - every user task says in `userTaskVariables` what its completion may set.
 *
 * bpmn/contract.test.ts fails when a model and this file disagree, or when a worker is
 * declared that no model uses.
 */

export const jobWorkers = {
  'tv-schedule-visit': 'tv-schedule-visit',
  'tv-request-adjustment-approval': 'tv-request-adjustment-approval',
  'orders-unblock-installation': 'orders-installation-gate',
  'orders-cancel-installation': 'orders-installation-gate',
  'dispatch-find-candidates': 'dispatch-funnel',
  'dispatch-offer-job': 'dispatch-funnel',
  'dispatch-expire-offers': 'dispatch-funnel',
  'dispatch-decline-offer': 'dispatch-funnel',
  'dispatch-confirm-assignment': 'dispatch-funnel',
  'dispatch-assign-manually': 'dispatch-funnel',
  'dispatch-cancel-assignment': 'dispatch-funnel',
  'dispatch-close': 'dispatch-funnel',
  'contract-draft': 'contract-documents',
  'contract-archive': 'contract-documents',
  'contract-send': 'contract-signing',
  'contract-remind': 'contract-signing',
  'contract-record-paper': 'contract-signing',
  'contract-release': 'contract-signing',
  'contract-close': 'contract-signing',
  'wcf-open': 'wcf-forms',
  'wcf-remind': 'wcf-forms',
  'wcf-send': 'wcf-forms',
  'wcf-archive': 'wcf-forms',
  'wcf-check-validation': 'wcf-forms',
  'wcf-open-lifting': 'wcf-forms',
  'wcf-accept': 'wcf-outcomes',
  'wcf-record-findings': 'wcf-outcomes',
  'wcf-request-rework': 'wcf-outcomes',
  'wcf-extend-rework': 'wcf-outcomes',
  'wcf-open-dispute': 'wcf-outcomes',
  'wcf-close': 'wcf-outcomes',
} as const;
export type TaskType = keyof typeof jobWorkers;
export type WorkerFunctionName = (typeof jobWorkers)[TaskType];

export interface MessageDeclaration {
  /** The message name in the model (`bpmn:message name`). */
  name: string;
  /** The FEEL expression of the model's `zeebe:subscription correlationKey` (start events have none). */
  correlationKey?: string;
  /** What the correlation key's value is, in words (e.g. the service order id). */
  correlatedBy: string;
  /** How long an uncorrelated message is kept for a subscription that opens later (ISO 8601 duration). */
  timeToLive: string;
}

export const messages = {
  /** Starts a technical visit for a service order (message start event; one active TV per order). */
  tvRequested: { name: 'tv-requested', correlatedBy: 'service order id', timeToLive: 'PT1H' },
  /** The technician recorded the visit's outcome (YES / YES_BUT / NO). */
  tvOutcomeRecorded: { name: 'tv-outcome-recorded', correlationKey: '=orderId', correlatedBy: 'service order id', timeToLive: 'P1D' },
  /** The customer accepted or refused the adjustments of a YES_BUT visit. */
  tvAdjustmentsAnswered: { name: 'tv-adjustments-answered', correlationKey: '=orderId', correlatedBy: 'service order id', timeToLive: 'P1D' },
  /** Starts the dispatch funnel of a service order (message start event; one active funnel per order). */
  dispatchRequested: { name: 'dispatch-requested', correlatedBy: 'service order id', timeToLive: 'PT1H' },
  /** A provider accepted or declined an offer from the app (variables offerId, answer: accepted | declined). */
  dispatchOfferAnswered: { name: 'dispatch-offer-answered', correlationKey: '=orderId', correlatedBy: 'service order id', timeToLive: 'P1D' },
  /** A provider withdrew from an accepted job (variables assignmentId): cancel it and dispatch again without it. */
  dispatchAssignmentWithdrawn: { name: 'dispatch-assignment-withdrawn', correlationKey: '=orderId', correlatedBy: 'service order id', timeToLive: 'P1D' },
  /**
   * The order is closed for dispatch (variables closure: cancelled | worked): the funnel withdraws
   * what is open, settles the assignment and ends.
   */
  dispatchOrderClosed: { name: 'dispatch-order-closed', correlationKey: '=orderId', correlatedBy: 'service order id', timeToLive: 'P1D' },
  /** Starts the contract workflow of a service order ready to be contracted (message start event; one live contract per order). */
  contractRequested: { name: 'contract-requested', correlatedBy: 'service order id', timeToLive: 'PT1H' },
  /**
   * The agreement out for signature reached a final status (variables agreementId, agreementStatus:
   * SIGNED | DECLINED | EXPIRED | RECALLED), from Adobe's webhook or an operator's recall.
   */
  contractAgreementSettled: { name: 'contract-agreement-settled', correlationKey: '=contractId', correlatedBy: 'contract id', timeToLive: 'P7D' },
  /** The service order was cancelled while its contract awaited signature: the agreement is recalled. */
  contractOrderCancelled: { name: 'contract-order-cancelled', correlationKey: '=orderId', correlatedBy: 'service order id', timeToLive: 'P1D' },
  /** Starts the Work Closing Form of a service order whose work the technician marked complete (message start event; one per order). */
  wcfRequested: { name: 'wcf-requested', correlatedBy: 'service order id', timeToLive: 'PT1H' },
  /** The customer answered the closing form (variables answer: accepted | accepted-with-reserves | rejected), on the technician's device or from their link. */
  wcfAnswered: { name: 'wcf-answered', correlationKey: '=formId', correlatedBy: 'WCF form id', timeToLive: 'P7D' },
  /** The agreement of a WCF form (closing or lifting) reached a final status (variables agreementId, agreementStatus: SIGNED | DECLINED | EXPIRED | RECALLED). */
  wcfAgreementSettled: { name: 'wcf-agreement-settled', correlationKey: '=formId', correlatedBy: 'WCF form id', timeToLive: 'P7D' },
  /** Every reserve of a re-work round was recorded lifted by a technician of its provider. */
  wcfReservesLifted: { name: 'wcf-reserves-lifted', correlationKey: '=reworkId', correlatedBy: 're-work id', timeToLive: 'P7D' },
} as const satisfies Record<string, MessageDeclaration>;

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
};

export const bpmnErrors = {
  /** The service order was cancelled or closed while its workflow ran: nothing left to do. */
  orderNotActive: 'ORDER_NOT_ACTIVE',
  /** The accepted offer is no longer open (expired, superseded, another order's): the funnel offers again. */
  offerNotOpen: 'OFFER_NOT_OPEN',
  /** The provider an operator chose cannot take the order (not active, not serving its business unit). */
  providerNotEligible: 'PROVIDER_NOT_ELIGIBLE',
  /** The order already has a live contract (another instance started it): nothing to draft. */
  contractExists: 'CONTRACT_EXISTS',
  /** Adobe Sign stayed unavailable (or refused the agreement) after the job's retries: an operator decides. */
  esignUnavailable: 'ESIGN_UNAVAILABLE',
  /** The paper scan the operator named is not one of this contract's documents. */
  paperScanMissing: 'PAPER_SCAN_MISSING',
  /** The order already has its closing form (another instance opened it): nothing to do. */
  wcfExists: 'WCF_EXISTS',
} as const;
export type BpmnErrorCode = (typeof bpmnErrors)[keyof typeof bpmnErrors];
