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

/**
 * The topic cannot be published to, and trying again soon will not change that: it does not
 * exist and could not be created (not authorised to), or publishing to it is not authorised.
 */
export class TopicUnavailableError extends Error {
  constructor(
    readonly topic: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`topic ${topic} is unavailable: ${reason}`, options);
    this.name = 'TopicUnavailableError';
  }
}
