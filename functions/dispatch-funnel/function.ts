import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeConfirmAssignment, makeDeclineOffer, makeExpireOffers } from './answers';
import { makeAssignManually, makeCancelAssignment } from './assignment';
import { makeCloseDispatch } from './close';
import { makeFindCandidates } from './find';
import { makeOfferJob } from './offer';
import { answerVariables, cancelVariables, closeVariables, expireVariables, findVariables, manualVariables, offerVariables } from './schema';
import type { FunnelDeps } from './config';

export const NAME = 'dispatch-funnel';

/**
 * dispatch-funnel: the worker of every service task of bpmn/assignment.bpmn — find and rank
 * candidates, offer the job, expire offers, record a decline, confirm an assignment (accepted
 * offer or operator's choice), cancel it when the provider withdraws, close the dispatch when the
 * order is cancelled or worked.
 */
export function dispatchFunnelFunction(deps: { db: Db; logger: Logger } & FunnelDeps) {
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    jobs: [
      work('dispatch-find-candidates', findVariables, makeFindCandidates(deps)),
      work('dispatch-offer-job', offerVariables, makeOfferJob(deps)),
      work('dispatch-expire-offers', expireVariables, makeExpireOffers(deps)),
      work('dispatch-decline-offer', answerVariables, makeDeclineOffer(deps)),
      work('dispatch-confirm-assignment', answerVariables, makeConfirmAssignment(deps)),
      work('dispatch-assign-manually', manualVariables, makeAssignManually(deps)),
      work('dispatch-cancel-assignment', cancelVariables, makeCancelAssignment(deps)),
      work('dispatch-close', closeVariables, makeCloseDispatch(deps)),
    ],
  });
}
