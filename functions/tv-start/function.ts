import { serviceOrderCreated } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { makeStartTechnicalVisit, type TvStartDeps } from './handler';

export const NAME = 'tv-start';

/** tv-start: orders.service-order.created → the technical-visit workflow, for orders that need one. */
export function tvStartFunction(deps: { db: Db; logger: Logger; clock?: () => Date } & TvStartDeps) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(serviceOrderCreated, makeStartTechnicalVisit(deps))],
  });
}
