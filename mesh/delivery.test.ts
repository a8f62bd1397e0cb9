import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../events/define';
import { buildEvent, CloudEvent, toKafkaRecord, type KafkaRecord } from '../shared/cloudevents';
import type { DeliveredRecord } from './bus/bus';
import { recordToEvent } from './delivery';

const thingHappened = defineEvent({
  topic: 'test.thing.happened',
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({ thingId: z.string().min(1), count: z.number().int() }),
  partitionKey: (d) => d.thingId,
});

const at = (record: KafkaRecord, partition: number, offset: number, topic = 'sales.order.created'): DeliveredRecord => ({
  ...record,
  topic,
  partition,
  offset: String(offset),
});

function attributesOf(event: CloudEvent<unknown>) {
  const { id, source, type, specversion, time, subject, datacontenttype, partitionkey, traceparent, key, data } = event;
  return { id, source, type, specversion, time, subject, datacontenttype, partitionkey, traceparent, key, data };
}

describe('recordToEvent', () => {
  it('when the record is a CloudEvent in Kafka binary mode, then it becomes that same CloudEvent', () => {
    const event = buildEvent(
      thingHappened,
      { thingId: 'T-1', count: 2 },
      {
        source: '/functions/test',
        id: 'evt-1',
        time: new Date('2026-11-28T10:00:00.000Z'),
        subject: 'thing/T-1',
        extensions: { traceparent: '00-abc-def-01' },
      },
    );
    const delivered = recordToEvent(at(toKafkaRecord(event), 1, 41), 'things-source');
    expect(attributesOf(delivered)).toEqual(attributesOf(event));
    expect(delivered.type).toBe('ahs.test.thing.happened');
    expect(delivered.data).toEqual({ thingId: 'T-1', count: 2 });
  });

  it('when the record is a structured CloudEvent, then it becomes that CloudEvent', () => {
    const event = buildEvent(
      thingHappened,
      { thingId: 'T-2', count: 1 },
      { source: '/functions/test', id: 'evt-2', time: new Date('2026-11-28T10:00:00.000Z') },
    );
    const record: KafkaRecord = {
      key: 'T-2',
      value: Buffer.from(JSON.stringify(event.toJSON())),
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    };
    expect(attributesOf(recordToEvent(at(record, 0, 0), 'things-source'))).toEqual(attributesOf(event));
  });

  it('when the record is a raw JSON value, then it becomes a dev.knative.kafka.event named after the source, topic, partition and offset, with the key and the parsed data', () => {
    const record: KafkaRecord = {
      key: 'FR-0318-221045',
      value: Buffer.from('{"orderNumber":"FR-0318-221045","lines":[1,2]}'),
      headers: { 'content-type': 'application/json' },
    };
    const event = recordToEvent(at(record, 2, 17, 'sales.pyxis.order'), 'pyxis-orders');
    expect(attributesOf(event)).toEqual({
      id: 'partition:2/offset:17',
      source: '/apis/v1/namespaces/ahs/kafkasources/pyxis-orders#sales.pyxis.order',
      type: 'dev.knative.kafka.event',
      specversion: '1.0',
      time: expect.any(String) as unknown,
      subject: 'partition:2#17',
      datacontenttype: 'application/json',
      partitionkey: undefined,
      traceparent: undefined,
      key: 'FR-0318-221045',
      data: { orderNumber: 'FR-0318-221045', lines: [1, 2] },
    });
  });

  it('when a raw record has no key, then the event has no key extension', () => {
    const event = recordToEvent(at({ key: null, value: Buffer.from('[1]'), headers: {} }, 0, 3), 'src');
    expect(event.key).toBeUndefined();
    expect(Object.keys(event.toJSON())).not.toContain('key');
    expect(event.data).toEqual([1]);
  });

  it("when a raw record's value is not JSON, then the data is the text as it is", () => {
    const event = recordToEvent(at({ key: 'k', value: Buffer.from('ORDER;FR-1;2 lines'), headers: { 'content-type': 'text/csv' } }, 1, 0), 'csv-source');
    expect(event.type).toBe('dev.knative.kafka.event');
    expect(event.data).toBe('ORDER;FR-1;2 lines');
    expect(event.datacontenttype).toBe('text/plain');
  });
});
