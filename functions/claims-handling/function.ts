import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { acknowledgeClaim, recordBreach } from './acknowledge';
import { recordApproval, recordDecision } from './decision';
import { registerClaim } from './register';
import { approvalVariables, acknowledgeVariables, breachVariables, decisionVariables, registerVariables, settleVariables } from './schema';
import { refundClaim, rejectClaim } from './settle';

export const NAME = 'claims-handling';

/**
 * claims-handling: the worker of a claim's own steps (bpmn/claim.bpmn): entitlement against the
 * order's warranties, acknowledgement, breaches of the country's times, the decision and its
 * approval chain, and the refund or rejection that closes the claim. Every step goes to the
 * claim's audit trail (claims.history); the customer is told in their language.
 */
export function claimsHandlingFunction(deps: { db: Db; logger: Logger; clock?: () => Date }) {
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock ?? (() => new Date()),
    jobs: [
      work('claim-register', registerVariables, registerClaim),
      work('claim-acknowledge', acknowledgeVariables, acknowledgeClaim),
      work('claim-record-breach', breachVariables, recordBreach),
      work('claim-record-decision', decisionVariables, recordDecision),
      work('claim-record-approval', approvalVariables, recordApproval),
      work('claim-refund', settleVariables, refundClaim),
      work('claim-reject', settleVariables, rejectClaim),
    ],
  });
}
