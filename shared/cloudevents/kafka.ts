import { CloudEvent, Kafka, type KafkaMessage } from 'cloudevents';
import { InvalidInputError } from '../errors';

/** A Kafka record as kafkajs produces and consumes it. */
export interface KafkaRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Kafka binary content mode: attributes as `ce_*` headers, JSON data as the value, and
 * the `partitionkey` extension as the record key so one aggregate's events of a topic share a
 * partition and stay in order (there is no order across topics).
 */
export function toKafkaRecord(event: CloudEvent<unknown>): KafkaRecord {
  const message = Kafka.binary(event);
  const headers: Record<string, string> = {};
  // The SDK lists every attribute of the event, set or not: an unset one must not become
  // the header value "undefined" (ce_schemaurl would then fail the consumer's parse).
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  const key = typeof event.partitionkey === 'string' ? event.partitionkey : null;
  return { key, value: Buffer.from(JSON.stringify(event.data ?? null)), headers };
}

export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** kafkajs hands headers as Buffers (or arrays of them); CloudEvents wants strings. */
export function headerStrings(headers: RecordHeaders | undefined): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) strings[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return strings;
}

export function fromKafkaRecord(record: { key: Buffer | string | null; value: Buffer | string | null; headers?: RecordHeaders }): CloudEvent<unknown> {
  const headers = headerStrings(record.headers);
  const value = record.value?.toString() ?? '';
  try {
    const message: KafkaMessage<string> = { key: record.key?.toString() ?? '', value, headers, body: value };
    const event = Kafka.toEvent(message) as CloudEvent<unknown>;
    if (typeof event.data === 'string') return event.cloneWith({ data: JSON.parse(event.data) as unknown }, false);
    return event;
  } catch (error) {
    throw new InvalidInputError(`Kafka record is not a valid CloudEvent: ${(error as Error).message}`);
  }
}
