import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, type EventData } from '../../events/define';
import { InvalidInputError } from '../errors';
import { buildEvent, CloudEvent, fromHttp, fromKafkaRecord, toHttpBinary, toKafkaRecord } from './index';

const thingHappened = defineEvent({
  topic: 'test.thing.happened',
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({ thingId: z.string().min(1), count: z.number().int().default(1), tags: z.array(z.string()).default([]) }),
  partitionKey: (d) => d.thingId,
});
type Thing = EventData<typeof thingHappened>;

const at = new Date('2026-11-28T10:00:00.000Z');
const build = (data: Partial<Thing> & { thingId: string }) =>
  buildEvent(thingHappened, data as Thing, { source: '/functions/test', time: at, subject: 'thing/1', extensions: { traceparent: '00-abc-def-01' } });

function attributesOf(event: CloudEvent<unknown>) {
  const { id, source, type, specversion, time, subject, datacontenttype, partitionkey, traceparent, data } = event;
  return { id, source, type, specversion, time, subject, datacontenttype, partitionkey, traceparent, data };
}

describe('buildEvent', () => {
  it('when the data matches the definition, then the event carries type, source, time, partitionkey and the parsed data', () => {
    const event = build({ thingId: 'T-1' });
    expect(attributesOf(event)).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      source: '/functions/test',
      type: 'ahs.test.thing.happened',
      specversion: '1.0',
      time: '2026-11-28T10:00:00.000Z',
      subject: 'thing/1',
      datacontenttype: 'application/json',
      partitionkey: 'T-1',
      traceparent: '00-abc-def-01',
      data: { thingId: 'T-1', count: 1, tags: [] },
    });
  });

  it('when an id is given, then it is used; otherwise every event gets a fresh one', () => {
    const given = buildEvent(thingHappened, { thingId: 'T-2', count: 1, tags: [] }, { source: '/s', id: 'evt-42' });
    expect(given.id).toBe('evt-42');
    expect(build({ thingId: 'T-2' }).id).not.toBe(build({ thingId: 'T-2' }).id);
  });

  it('when the data does not match the definition, then it throws naming the event type and nothing is built', () => {
    expect(() => build({ thingId: '' })).toThrow(/ahs\.test\.thing\.happened does not match its schema/);
    expect(() => build({ thingId: 'T-3', count: 1.5 })).toThrow(/does not match its schema/);
  });
});

describe('HTTP', () => {
  it('when an event is written in binary mode, then attributes are ce-* headers and the body is the JSON data', () => {
    const event = build({ thingId: 'T-4', tags: ['a'] });
    const { headers, body } = toHttpBinary(event);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'ce-id': event.id,
      'ce-type': 'ahs.test.thing.happened',
      'ce-source': '/functions/test',
      'ce-specversion': '1.0',
      'ce-partitionkey': 'T-4',
      'ce-traceparent': '00-abc-def-01',
    });
    expect(JSON.parse(body)).toEqual({ thingId: 'T-4', count: 1, tags: ['a'] });
  });

  it('when a binary request is read back, then the same event comes out with its data as an object', () => {
    const event = build({ thingId: 'T-5', count: 3 });
    const { headers, body } = toHttpBinary(event);
    expect(attributesOf(fromHttp(headers, body))).toEqual(attributesOf(event));
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(fromHttp(shouted, Buffer.from(body)).data).toEqual({ thingId: 'T-5', count: 3, tags: [] });
  });

  it('when a request is in structured mode, then the event is read from the application/cloudevents+json body', () => {
    const event = build({ thingId: 'T-6' });
    const parsed = fromHttp({ 'content-type': 'application/cloudevents+json' }, JSON.stringify(event.toJSON()));
    expect(attributesOf(parsed)).toEqual(attributesOf(event));
  });

  it.each([
    ['no CloudEvent headers at all', { 'content-type': 'application/json' }, '{}'],
    [
      'binary data that is not JSON',
      { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 't', 'content-type': 'application/json' },
      '{not json',
    ],
    ['binary without ce-source', { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-type': 't', 'content-type': 'application/json' }, '{}'],
    ['structured body that is not JSON', { 'content-type': 'application/cloudevents+json' }, 'garbage'],
    ['structured without an id', { 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","source":"/s","type":"t"}'],
    ['structured without a type', { 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s"}'],
    ['a batch', { 'content-type': 'application/cloudevents-batch+json' }, '[{"specversion":"1.0","id":"1","source":"/s","type":"t"}]'],
    ['an empty request', {}, undefined],
  ])('when the request is %s, then InvalidInputError', (_what, headers: Record<string, string>, body: string | undefined) => {
    expect(() => fromHttp(headers, body)).toThrow(InvalidInputError);
  });
});

describe('Kafka', () => {
  it('when an event becomes a record, then attributes are ce_* headers, the key is the partitionkey and the value the JSON data', () => {
    const event = build({ thingId: 'ORDER-7', tags: ['x'] });
    const record = toKafkaRecord(event);
    expect(record.key).toBe('ORDER-7');
    expect(JSON.parse(record.value.toString())).toEqual({ thingId: 'ORDER-7', count: 1, tags: ['x'] });
    expect(record.headers).toMatchObject({
      ce_id: event.id,
      ce_type: 'ahs.test.thing.happened',
      ce_source: '/functions/test',
      ce_specversion: '1.0',
      ce_time: '2026-11-28T10:00:00.000Z',
      ce_partitionkey: 'ORDER-7',
      ce_subject: 'thing/1',
    });
  });

  it('when an attribute is unset, then no header carries the text "undefined"', () => {
    const record = toKafkaRecord(new CloudEvent({ source: '/s', type: 't', datacontenttype: 'application/json', data: { a: 1 } }));
    expect(Object.values(record.headers)).not.toContain('undefined');
    expect(Object.keys(record.headers).sort()).toEqual(['ce_datacontenttype', 'ce_id', 'ce_source', 'ce_specversion', 'ce_time', 'ce_type', 'content-type']);
    expect(record.key).toBeNull();
  });

  it('when a record is read back as kafkajs delivers it (Buffer key, value and headers), then the same event comes out', () => {
    const event = build({ thingId: 'ORDER-8', count: 2 });
    const record = toKafkaRecord(event);
    const consumed = {
      key: Buffer.from(record.key ?? ''),
      value: record.value,
      headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
    };
    expect(attributesOf(fromKafkaRecord(consumed))).toEqual(attributesOf(event));
  });

  it('when a record has no ce_* headers or its value is not JSON, then InvalidInputError', () => {
    expect(() => fromKafkaRecord({ key: null, value: Buffer.from('{}'), headers: {} })).toThrow(InvalidInputError);
    const { headers } = toKafkaRecord(build({ thingId: 'ORDER-9' }));
    expect(() => fromKafkaRecord({ key: 'ORDER-9', value: '{oops', headers })).toThrow(InvalidInputError);
  });
});
