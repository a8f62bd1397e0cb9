import { fieldWorkCompleted } from '../../events';
import type { Db } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { startOnWorkCompleted } from './handler';

export const NAME = 'wcf-start';

/** wcf-start: starts an order's Work Closing Form workflow (bpmn/wcf.bpmn) when its work is complete, once per order. */
export function wcfStartFunction(deps: { db: Db; logger: Logger; clock?: () => Date }) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(fieldWorkCompleted, startOnWorkCompleted)],
  });
}
