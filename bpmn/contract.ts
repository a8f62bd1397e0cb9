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
} as const satisfies Record<string, readonly string[]>;

export const bpmnErrors = {
  /** The service order was cancelled or closed while its workflow ran: nothing left to do. */
  orderNotActive: 'ORDER_NOT_ACTIVE',
  /** The accepted offer is no longer open (expired, superseded, another order's): the funnel offers again. */
  offerNotOpen: 'OFFER_NOT_OPEN',
  /** The provider an operator chose cannot take the order (not active, not serving its business unit). */
  providerNotEligible: 'PROVIDER_NOT_ELIGIBLE',
} as const;
export type BpmnErrorCode = (typeof bpmnErrors)[keyof typeof bpmnErrors];
