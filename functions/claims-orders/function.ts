import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeDispatchExpert, makeOrderRepair } from './orders';
import { claimVariables } from './schema';

export const NAME = 'claims-orders';

/**
 * claims-orders: the worker that turns a claim into work for providers (bpmn/claim.bpmn): the
 * expert's visit and the decided repair, each a service order linked to the claimed one and
 * dispatched by the funnel like any other.
 */
export function claimsOrdersFunction(deps: { db: Db; logger: Logger; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock,
    jobs: [work('claim-dispatch-expert', claimVariables, makeDispatchExpert(clock)), work('claim-order-repair', claimVariables, makeOrderRepair(clock))],
  });
}
