import type { CloudEvent } from 'cloudevents';

/** One event ready to leave: its topic and the CloudEvent (partitionkey = record key). */
export interface OutgoingEvent {
  topic: string;
  event: CloudEvent<unknown>;
  traceHeaders: Record<string, string>;
}

/**
 * Where the relay sends events: Kafka in production (kafka-publisher.ts), the local
 * mesh's bus otherwise (http-bus-publisher.ts). Resolves only once every event is acknowledged.
 */
export interface EventPublisher {
  publish(events: OutgoingEvent[]): Promise<void>;
  close(): Promise<void>;
}
