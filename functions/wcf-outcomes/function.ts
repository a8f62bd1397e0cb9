import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeAcceptWork } from './accept';
import { makeCloseAfterRework } from './close';
import type { ClaimLinkSettings, SurveyLinkSettings } from './closing';
import { makeExtendRework } from './extend-rework';
import { makeOpenDispute } from './open-dispute';
import { recordFindings } from './record-findings';
import { makeRequestRework } from './request-rework';
import { acceptVariables, closeVariables, extendReworkVariables, openDisputeVariables, recordFindingsVariables, requestReworkVariables } from './schema';

export const NAME = 'wcf-outcomes';

/**
 * wcf-outcomes: the worker of the Work Closing Form's outcomes (bpmn/wcf.bpmn): starts the
 * warranties and closes the order on the customer's acceptance, records what an investigation
 * found to redo, gives re-work rounds to the provider and extends their deadlines, opens
 * disputes, and confirms lifted reserves to close the order. The customer's claim link goes with
 * the acceptance message, the satisfaction survey's link after it.
 */
export function wcfOutcomesFunction(deps: {
  db: Db;
  logger: Logger;
  clock?: () => Date;
  /** Signs the claim link sent with the acceptance (index.ts always sets it; tests without it send none). */
  claimLink?: ClaimLinkSettings;
  /** Signs the satisfaction survey's link sent when the order closes (unset: no survey is sent). */
  surveyLink?: SurveyLinkSettings;
}) {
  const clock = deps.clock ?? (() => new Date());
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock,
    jobs: [
      work('wcf-accept', acceptVariables, makeAcceptWork(deps.claimLink, deps.surveyLink)),
      work('wcf-record-findings', recordFindingsVariables, recordFindings),
      work('wcf-request-rework', requestReworkVariables, makeRequestRework(clock)),
      work('wcf-extend-rework', extendReworkVariables, makeExtendRework(clock)),
      work('wcf-open-dispute', openDisputeVariables, makeOpenDispute(clock)),
      work('wcf-close', closeVariables, makeCloseAfterRework(deps.claimLink, deps.surveyLink)),
    ],
  });
}
