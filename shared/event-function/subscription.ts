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
}

/** A handled event either changed state or was deliberately ignored (e.g. an older revision). */
export type EventOutcome = { result: 'applied'; detail?: Record<string, unknown> } | { result: 'ignored'; reason: string };

export interface Subscription {
  definition: EventDefinition;
  handle(data: unknown, ctx: EventContext): Promise<EventOutcome>;
}

/** Binds a catalog event to its handler; the handler receives data already validated. */
export function on<D extends EventDefinition>(definition: D, handle: (data: EventData<D>, ctx: EventContext) => Promise<EventOutcome>): Subscription {
  return { definition, handle: handle };
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
