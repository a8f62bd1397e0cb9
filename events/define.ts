import type { z } from 'zod';

/**
 * One event type of the catalog: where it travels (Kafka topic), what it is called
 * (CloudEvent `type`), what its data looks like (zod schema) and how it is keyed
 * (partition key = aggregate id, so one aggregate's events of one topic stay in order).
 * Kafka orders nothing across topics: an aggregate's events of different topics (its
 * `created` and `updated`...) reach a consumer in any order, so a consumer of several of them
 * goes by the revision they carry or by the aggregate's current state, never by arrival order.
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** Kafka topic, `{domain}.{entity}.{action}`. */
  readonly topic: string;
  /** CloudEvent `type` attribute. */
  readonly type: string;
  readonly description: string;
  readonly data: S;
  /** CloudEvent `partitionkey` extension and Kafka record key. */
  partitionKey(data: z.infer<S>): string;
}

const TOPIC = /^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/;

export function defineEvent<S extends z.ZodType>(definition: EventDefinition<S>): EventDefinition<S> {
  if (!TOPIC.test(definition.topic)) {
    throw new Error(`event topic "${definition.topic}" is not {domain}.{entity}.{action} in kebab-case`);
  }
  return Object.freeze(definition);
}

export type EventData<D extends EventDefinition> = z.infer<D['data']>;
