import { installationUnblocked, serviceOrderCreated, serviceOrderUpdated } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { closeOnCancelled, startOnCreated, startOnUnblocked } from './handler';

export const NAME = 'contract-start';

/**
 * contract-start: starts the contract workflow (bpmn/contract.bpmn) of an order once nothing but
 * its contract blocks its installation, and closes it when the order is cancelled. The three
 * topics arrive in any order: every handler decides from the order's current state (handler.ts).
 */
export function contractStartFunction(deps: { db: Db; logger: Logger; clock?: () => Date }) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(serviceOrderCreated, startOnCreated), on(installationUnblocked, startOnUnblocked), on(serviceOrderUpdated, closeOnCancelled)],
  });
}
