import { toHttpBinary } from '../cloudevents/http';
import type { EventPublisher, OutgoingEvent } from './publisher';

/**
 * Publishes to the local mesh's embedded bus (the development stand-in for Kafka):
 * `POST {busUrl}/topics/{topic}` with the event in HTTP binary mode. A non-2xx answer
 * throws, so the relay keeps the rows and retries.
 */
export function makeHttpBusPublisher(busUrl: string): EventPublisher {
  return {
    async publish(events: OutgoingEvent[]) {
      for (const { topic, event, traceHeaders } of events) {
        const { headers, body } = toHttpBinary(event);
        const response = await fetch(`${busUrl}/topics/${encodeURIComponent(topic)}`, {
          method: 'POST',
          headers: { ...traceHeaders, ...headers },
          body,
        });
        if (!response.ok) throw new Error(`bus refused ${event.type} ${event.id}: HTTP ${response.status}`);
      }
    },
    async close() {},
  };
}
