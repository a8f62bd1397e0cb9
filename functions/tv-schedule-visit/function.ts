import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeScheduleVisit, type ScheduleVisitDeps } from './handler';
import { scheduleVisitVariables } from './schema';

export const NAME = 'tv-schedule-visit';

/** tv-schedule-visit: the worker of task type tv-schedule-visit (bpmn/technical-visit.bpmn). */
export function tvScheduleVisitFunction(deps: { db: Db; logger: Logger } & ScheduleVisitDeps) {
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    jobs: [work('tv-schedule-visit', scheduleVisitVariables, makeScheduleVisit(deps))],
  });
}
