import { installationUnblocked, serviceOrderCreated } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { makeStartOnCreated, makeStartOnUnblocked, type DispatchStartSettings } from './handler';

export const NAME = 'dispatch-start';

/**
 * dispatch-start: starts the dispatch funnel (bpmn/assignment.bpmn) of an order that needs no
 * technical visit when it is created, and of one that needed a visit when the visit unblocks it.
 */
export function dispatchStartFunction(deps: { db: Db; logger: Logger; settings: DispatchStartSettings; clock?: () => Date }) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(serviceOrderCreated, makeStartOnCreated(deps.settings)), on(installationUnblocked, makeStartOnUnblocked(deps.settings))],
  });
}
