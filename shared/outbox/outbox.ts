import { buildEvent } from '../cloudevents/build';
import type { Queryable } from '../db/pool';
import type { EventData, EventDefinition } from '../../events/define';

export interface Outbox {
  /**
   * Records an event in the caller's transaction. It is published by the relay only
   * after that transaction commits, and never if it rolls back.
   */
  add<D extends EventDefinition>(definition: D, data: EventData<D>, options?: { subject?: string }): Promise<string>;
}

export interface OutboxOptions {
  /** CloudEvent `source` of the events this function produces, e.g. `/functions/order-intake`. */
  source: string;
  clock?: () => Date;
  /** Trace context to carry to consumers (e.g. dd-trace's `x-datadog-*` headers). */
  traceHeaders?: () => Record<string, string>;
}

export function makeOutbox(tx: Queryable, options: OutboxOptions): Outbox {
  return {
    async add(definition, data, extra) {
      const event = buildEvent(definition, data, {
        source: options.source,
        time: options.clock?.(),
        subject: extra?.subject,
      });
      await tx.query(
        `INSERT INTO platform.outbox
           (event_id, topic, type, source, subject, partition_key, data, trace_headers, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          event.id,
          definition.topic,
          event.type,
          event.source,
          event.subject ?? null,
          String(event.partitionkey as string),
          JSON.stringify(event.data),
          JSON.stringify(options.traceHeaders?.() ?? {}),
          event.time,
        ],
      );
      return event.id;
    },
  };
}
