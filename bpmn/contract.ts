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
 * - every user task says in `userTaskVariables` (bpmn/user-tasks.ts) what its completion may set.
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
  'claim-register': 'claims-handling',
  'claim-acknowledge': 'claims-handling',
  'claim-record-breach': 'claims-handling',
  'claim-record-decision': 'claims-handling',
  'claim-record-approval': 'claims-handling',
  'claim-refund': 'claims-handling',
  'claim-reject': 'claims-handling',
  'claim-dispatch-expert': 'claims-orders',
  'claim-order-repair': 'claims-orders',
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
  /**
   * Starts the workflow of a claim an operator recorded or the customer opened from their link
   * (message start event, variables claimId, orderId, country, businessUnit, store; one per claim).
   */
  claimOpened: { name: 'claim-opened', correlatedBy: 'claim id', timeToLive: 'PT1H' },
  /** The expert recorded what the claim visit found and recommends (repair | refund | reject). */
  claimFindingsRecorded: { name: 'claim-findings-recorded', correlationKey: '=claimId', correlatedBy: 'claim id', timeToLive: 'P30D' },
} as const satisfies Record<string, MessageDeclaration>;

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
  /** A claim out of warranty was acknowledged for investigation without saying goodwill or billable: back to the operator. */
  claimHandlingMissing: 'CLAIM_HANDLING_MISSING',
} as const;
export type BpmnErrorCode = (typeof bpmnErrors)[keyof typeof bpmnErrors];
