import { CloudEvent } from 'cloudevents';
import { fromKafkaRecord } from '../shared/cloudevents/kafka';
import type { DeliveredRecord } from './bus/bus';

/**
 * The CloudEvent a KafkaSource makes of a record: the record's own event when it carries
 * `ce_*` headers (binary mode) or a structured CloudEvent; otherwise a
 * `dev.knative.kafka.event` wrapping the value, with the record's coordinates as id.
 */
export function recordToEvent(record: DeliveredRecord, sourceName: string): CloudEvent<unknown> {
  const isCloudEvent = 'ce_id' in record.headers || (record.headers['content-type'] ?? '').startsWith('application/cloudevents');
  if (isCloudEvent) {
    try {
      return fromKafkaRecord(record);
    } catch {
      // a broken CloudEvent is passed on raw: the sink answers 400 and it is dead-lettered
    }
  }
  const text = record.value.toString('utf8');
  let data: unknown = text;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    // not JSON: delivered as text
  }
  return new CloudEvent<unknown>(
    {
      specversion: '1.0',
      id: `partition:${record.partition}/offset:${record.offset}`,
      source: `/apis/v1/namespaces/ahs/kafkasources/${sourceName}#${record.topic}`,
      type: 'dev.knative.kafka.event',
      subject: `partition:${record.partition}#${record.offset}`,
      datacontenttype: typeof data === 'string' ? 'text/plain' : 'application/json',
      ...(record.key !== null ? { key: record.key } : {}),
      data,
    },
    false,
  );
}
