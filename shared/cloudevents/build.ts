import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import type { EventData, EventDefinition } from '../../events/define';

export interface BuildOptions {
  /** URI-reference of the producer, e.g. `/functions/order-intake`. */
  source: string;
  id?: string;
  time?: Date;
  subject?: string;
  /** Extra extension attributes (lower-case alphanumeric names), e.g. trace context. */
  extensions?: Record<string, string>;
}

/**
 * Builds a CloudEvent for a catalog definition. The data is checked against the
 * definition's schema: an invalid event is a programming error and never leaves.
 */
export function buildEvent<D extends EventDefinition>(definition: D, data: EventData<D>, options: BuildOptions): CloudEvent<EventData<D>> {
  const parsed = definition.data.safeParse(data);
  if (!parsed.success) {
    throw new Error(`event ${definition.type} does not match its schema: ${parsed.error.message}`);
  }
  return new CloudEvent<EventData<D>>({
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: options.source,
    type: definition.type,
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    ...(options.subject ? { subject: options.subject } : {}),
    partitionkey: definition.partitionKey(data),
    ...options.extensions,
    data: parsed.data as EventData<D>,
  });
}
