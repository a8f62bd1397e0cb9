import type { Request, Response } from '@google-cloud/functions-framework';
import { serviceOrderCreated, type ServiceOrderSnapshot } from '../../events';
import { fromHttp } from '../../shared/cloudevents/http';
import type { Db } from '../../shared/db';
import { makeEventFunction, on, resolveSubscription, toEventAnswer } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { decide, makePublishTvRequested, type TvStartDeps } from './handler';

export const NAME = 'tv-start';

/**
 * tv-start: orders.service-order.created → the technical-visit workflow, for orders that need one.
 *
 * The message is published BEFORE the inbox transaction, not inside it: a transaction held
 * open across a call to the engine would block the embedded engine (which keeps its state in
 * the same PGlite, one transaction at a time) and hold a connection on Postgres. Order of
 * work: already in the inbox → duplicate, nothing published; otherwise publish (idempotent by
 * messageId), then the shared event edge validates, records the inbox row and answers. A
 * failed publish answers 5xx (retried) with no inbox row; a failed commit after a publish is
 * redelivered and publishes the same message id again, which Zeebe accepts as done.
 */
export function tvStartFunction(deps: { db: Db; logger: Logger; clock?: () => Date } & TvStartDeps) {
  const subscriptions = [on(serviceOrderCreated, (order) => Promise.resolve(decide(order)))];
  const edge = makeEventFunction({ name: NAME, db: deps.db, logger: deps.logger, clock: deps.clock, subscriptions });
  const publish = makePublishTvRequested(deps);

  return async (req: Request, res: Response): Promise<void> => {
    const order = readOrder(req);
    if (order && decide(order.data).result === 'applied') {
      try {
        if (!(await alreadyApplied(deps.db, order.event))) await publish(order.data);
      } catch (error) {
        const answer = toEventAnswer(error);
        const logger = deps.logger.child({ eventId: order.event.id, eventType: order.event.type });
        if (answer.status >= 500) logger.error('tv-requested not published; the event will be retried', { error });
        else logger.warn('tv-requested refused', { status: answer.status, reason: answer.body.reason });
        res.status(answer.status).json(answer.body);
        return;
      }
    }
    await edge(req, res);
  };

  /** The order of a well-formed delivery; anything else is left to the edge to refuse. */
  function readOrder(req: Request): { event: { id: string; source: string; type: string }; data: ServiceOrderSnapshot } | undefined {
    if (req.method !== 'POST') return undefined;
    try {
      const event = fromHttp(req.headers, req.rawBody);
      if (!resolveSubscription(subscriptions, event)) return undefined;
      const parsed = serviceOrderCreated.data.safeParse(event.data);
      return parsed.success ? { event: { id: event.id, source: event.source, type: event.type }, data: parsed.data } : undefined;
    } catch {
      return undefined;
    }
  }
}

async function alreadyApplied(db: Db, event: { id: string; source: string }): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM platform.inbox WHERE consumer = $1 AND source = $2 AND event_id = $3', [NAME, event.source, event.id]);
  return rows.length > 0;
}
