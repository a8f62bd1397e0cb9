import { serviceOrderCreated } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { makeStartTv, type TvStartSettings } from './handler';

export const NAME = 'tv-start';

/** tv-start: orders.service-order.created → the technical-visit workflow, for orders that need one. */
export function tvStartFunction(deps: { db: Db; logger: Logger; settings: TvStartSettings; clock?: () => Date }) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(serviceOrderCreated, makeStartTv(deps.settings))],
  });
}
