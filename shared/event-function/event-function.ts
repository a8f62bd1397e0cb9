import type { Request, Response } from '@google-cloud/functions-framework';
import type { CloudEvent } from 'cloudevents';
import { fromHttp } from '../cloudevents/http';
import type { Db } from '../db/pool';
import { withTransaction } from '../db/transaction';
import { InvalidInputError, issuesFromZod } from '../errors';
import { claimInbox } from '../inbox/inbox';
import type { Logger } from '../logging';
import { answeredHealthCheck } from '../runtime/health';
import { currentTraceHeaders, traceCarrierOf, withParentTrace } from '../observability/tracing';
import { makeOutbox } from '../outbox/outbox';
import { toEventAnswer } from './errors';
import { resolveSubscription, type EventOutcome, type Subscription } from './subscription';

export interface EventFunctionOptions {
  /** The consuming function's name: the inbox key, and the source of the events it produces. */
  name: string;
  db: Db;
  subscriptions: Subscription[];
  logger: Logger;
  clock?: () => Date;
}

/**
 * The edge of every event function. Registered with `functions.http`, not `cloudEvent`,
 * so it can answer 400 for a poison event (Knative then dead-letters it without retry).
 * The inbox row, the handler's effect and its outbox rows commit in one transaction:
 * a redelivered event finds its inbox row and changes nothing.
 */
export function makeEventFunction(options: EventFunctionOptions) {
  const source = `/functions/${options.name}`;
  return async (req: Request, res: Response): Promise<void> => {
    if (answeredHealthCheck(req, res)) return;
    let logger = options.logger;
    try {
      const { event, subscription, data } = readDelivery(req, options.subscriptions, options.name, (fields) => (logger = logger.child(fields)));
      const outcome = await withParentTrace(traceCarrierOf(event), `${options.name}.handle`, () => apply(options, source, event, subscription, data, logger));
      logger.info('event handled', { outcome: outcome.result, ...(outcome.result === 'ignored' ? { reason: outcome.reason } : {}) });
      res.status(200).json(outcome);
    } catch (error) {
      const answer = toEventAnswer(error);
      if (answer.status >= 500) logger.error('event failed; will be retried', { error });
      else logger.warn('event refused', { status: answer.status, reason: answer.body.reason });
      res.status(answer.status).json(answer.body);
    }
  };
}

/**
 * The delivered event, the subscription it is for and its data checked against the catalog.
 * Whatever is wrong is the sender's: InvalidInputError (400, dead letter at once). `identify`
 * receives the event's identity for the caller's log lines as soon as it is known.
 */
export function readDelivery(
  req: Request,
  subscriptions: Subscription[],
  consumer: string,
  identify: (fields: { eventId: string; eventType: string; eventSource: string }) => void = () => undefined,
): { event: CloudEvent<unknown>; subscription: Subscription; data: unknown } {
  if (req.method !== 'POST') throw new InvalidInputError(`events are POSTed, not ${req.method}`);
  const event = fromHttp(req.headers, req.rawBody);
  identify({ eventId: event.id, eventType: event.type, eventSource: event.source });
  const subscription = resolveSubscription(subscriptions, event);
  if (!subscription) throw new InvalidInputError(`unsupported event type "${event.type}" for ${consumer}`);
  const parsed = subscription.definition.data.safeParse(event.data);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error, 'data');
    throw new InvalidInputError(`invalid ${subscription.definition.type}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
  return { event, subscription, data: parsed.data };
}

async function apply(
  options: EventFunctionOptions,
  source: string,
  event: CloudEvent<unknown>,
  subscription: Subscription,
  data: unknown,
  logger: Logger,
): Promise<EventOutcome | { result: 'duplicate' }> {
  const prepared = await subscription.prepare?.(data);
  const committed: (() => void)[] = [];
  const outcome = await withTransaction(options.db, async (tx) => {
    const fresh = await claimInbox(tx, { consumer: options.name, source: event.source, id: event.id, type: event.type });
    if (!fresh) return { result: 'duplicate' as const };
    const outbox = makeOutbox(tx, { source, clock: options.clock, traceHeaders: currentTraceHeaders });
    const meta = { id: event.id, source: event.source, type: event.type, time: event.time, subject: event.subject };
    return subscription.handle(data, { tx, outbox, logger, event: meta, afterCommit: (task) => void committed.push(task) }, prepared);
  });
  for (const task of committed) {
    try {
      task();
    } catch (error) {
      logger.warn('a task after the commit failed; the event is handled', { error });
    }
  }
  return outcome;
}
