import type { CloudEvent } from 'cloudevents';
import type { EventData, EventDefinition } from '../../events/define';
import type { DbClient } from '../db/pool';
import type { Logger } from '../logging';
import type { Outbox } from '../outbox/outbox';

/** What an event handler may touch: the transaction its effect commits in, and the outbox. */
export interface EventContext {
  tx: DbClient;
  outbox: Outbox;
  logger: Logger;
  event: { id: string; source: string; type: string; time: string | undefined; subject: string | undefined };
  /**
   * Runs `task` once the handler's transaction has committed (never when it rolls back): for a
   * nudge to this process that must see the committed rows, e.g. waking a sender.
   */
  afterCommit: (task: () => void) => void;
}

/** A handled event either changed state or was deliberately ignored (e.g. an older revision). */
export type EventOutcome = { result: 'applied'; detail?: Record<string, unknown> } | { result: 'ignored'; reason: string };

export interface Subscription {
  definition: EventDefinition;
  /** Runs before the transaction opens (see `on`); what it returns is handed to `handle`. */
  prepare?(data: unknown): Promise<unknown>;
  handle(data: unknown, ctx: EventContext, prepared: unknown): Promise<EventOutcome>;
}

/**
 * Binds a catalog event to its handler; the handler receives data already validated. `prepare`,
 * when given, runs first, outside the transaction — for a call to another system (an API read)
 * that must not hold a database connection and the inbox row's lock while it waits. It may run
 * again on a redelivery, so it only reads.
 */
export function on<D extends EventDefinition, P = undefined>(
  definition: D,
  handle: (data: EventData<D>, ctx: EventContext, prepared: P) => Promise<EventOutcome>,
  prepare?: (data: EventData<D>) => Promise<P>,
): Subscription {
  return {
    definition,
    handle: (data, ctx, prepared) => handle(data as EventData<D>, ctx, prepared as P),
    ...(prepare ? { prepare: (data: unknown) => prepare(data as EventData<D>) } : {}),
  };
}

/**
 * Finds the catalog definition of a delivered event. A KafkaSource wraps a record that
 * carries no `ce_*` headers as type `dev.knative.kafka.event` with source
 * `/apis/v1/namespaces/{ns}/kafkasources/{name}#{topic}`: such an event is resolved by its topic.
 */
export function resolveSubscription(subscriptions: Subscription[], event: CloudEvent<unknown>): Subscription | undefined {
  const byType = subscriptions.find((s) => s.definition.type === event.type);
  if (byType || event.type !== KAFKA_SOURCE_TYPE) return byType;
  const topic = event.source.split('#')[1];
  return subscriptions.find((s) => s.definition.topic === topic);
}

export const KAFKA_SOURCE_TYPE = 'dev.knative.kafka.event';
