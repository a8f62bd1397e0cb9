import { salesOrderCreated, salesOrderUpdated } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { makeIntakeSale, type IntakeDeps } from './handler';

export const NAME = 'order-intake';

/** order-intake: sales.order.created / .updated from Pyxis and Tempo → service orders. */
export function orderIntakeFunction(deps: { db: Db; logger: Logger; clock?: () => Date } & IntakeDeps) {
  const intake = makeIntakeSale(deps);
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(salesOrderCreated, intake), on(salesOrderUpdated, intake)],
  });
}
