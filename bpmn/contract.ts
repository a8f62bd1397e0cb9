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
} as const satisfies Record<string, readonly string[]>;

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
} as const;
export type BpmnErrorCode = (typeof bpmnErrors)[keyof typeof bpmnErrors];
