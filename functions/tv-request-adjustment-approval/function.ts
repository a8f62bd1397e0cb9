import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeRequestAdjustmentApproval, type RequestApprovalDeps } from './handler';
import { requestApprovalVariables } from './schema';

export const NAME = 'tv-request-adjustment-approval';

/** tv-request-adjustment-approval: the worker of the task type of that name (bpmn/technical-visit.bpmn). */
export function tvRequestAdjustmentApprovalFunction(deps: { db: Db; logger: Logger } & RequestApprovalDeps) {
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    jobs: [work('tv-request-adjustment-approval', requestApprovalVariables, makeRequestAdjustmentApproval(deps))],
  });
}
