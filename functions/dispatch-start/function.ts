import { installationUnblocked, serviceOrderCreated, serviceOrderUpdated } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { makeCloseOnCancelled, makeStartOnCreated, makeStartOnUnblocked } from './handler';

export const NAME = 'dispatch-start';

/**
 * dispatch-start: starts the dispatch funnel (bpmn/assignment.bpmn) of an order that needs no
 * technical visit when it is created, and of one that needed a visit when the visit unblocks it;
 * closes it when the order is cancelled. The three topics arrive in any order: every handler
 * decides from the order's current state (handler.ts), so the arrival order changes nothing.
 */
export function dispatchStartFunction(deps: { db: Db; logger: Logger; clock?: () => Date }) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [
      on(serviceOrderCreated, makeStartOnCreated()),
      on(installationUnblocked, makeStartOnUnblocked()),
      on(serviceOrderUpdated, makeCloseOnCancelled()),
    ],
  });
}
