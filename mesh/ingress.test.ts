import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../events/define';
import { buildEvent, toHttpBinary } from '../shared/cloudevents';
import { freePort } from '../test/support/ports';
import type { DeliveredRecord } from './bus/bus';
import { makeInMemoryBus } from './bus/in-memory-bus';
import { startIngress } from './ingress';

const TOPIC = 'test.thing.happened';

const thingHappened = defineEvent({
  topic: TOPIC,
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({ thingId: z.string().min(1) }),
  partitionKey: (d) => d.thingId,
});

interface Echoed {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let ingressUrl: string;
let records: DeliveredRecord[];
let echoed: Echoed[];
let closeAll: () => Promise<void>;

const close = (s: http.Server) =>
  new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });

beforeEach(async () => {
  records = [];
  echoed = [];
  // the function behind the ingress: echoes what it got, answers 201 with a header of its own
  const fn = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      echoed.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(201, { 'content-type': 'application/json', 'x-function': 'orders' }).end('{"created":"SO-1"}');
    });
  });
  await new Promise<void>((r) => fn.listen(0, '127.0.0.1', r));
  const bus = makeInMemoryBus();
  await bus.subscribe({ group: 'capture', topics: [TOPIC, 'sales.raw.order'], handle: async (r) => void records.push(r) });
  const ingress = await startIngress({
    port: 0,
    bus,
    topics: new Set([TOPIC, 'sales.raw.order']),
    routes: new Map([
      ['orders', `http://127.0.0.1:${(fn.address() as AddressInfo).port}`],
      ['down', `http://127.0.0.1:${await freePort()}`],
    ]),
    status: () => ({ bus: 'embedded', functions: ['orders', 'down'] }),
  });
  ingressUrl = `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`;
  closeAll = async () => {
    await close(ingress);
    await close(fn);
    await bus.close();
  };
});

afterEach(() => closeAll());

const event = () => buildEvent(thingHappened, { thingId: 'ORDER-1' }, { source: '/sales/test', id: 'evt-1', time: new Date('2026-11-28T10:00:00.000Z') });

describe('ingress: publishing on the bus', () => {
  it('when a binary CloudEvent is posted to a topic, then 202 and the record carries ce_ headers, the JSON data and key = partitionkey', async () => {
    const { headers, body } = toHttpBinary(event());
    const answer = await fetch(`${ingressUrl}/_bus/topics/${TOPIC}`, { method: 'POST', headers, body });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ published: true, topic: TOPIC, key: 'ORDER-1' });
    await vi.waitFor(() => expect(records).toHaveLength(1));
    const [record] = records;
    expect(record?.topic).toBe(TOPIC);
    expect(record?.key).toBe('ORDER-1');
    expect(record?.headers).toMatchObject({
      ce_id: 'evt-1',
      ce_type: 'ahs.test.thing.happened',
      ce_source: '/sales/test',
      ce_partitionkey: 'ORDER-1',
      ce_time: '2026-11-28T10:00:00.000Z',
    });
    expect(JSON.parse(record?.value.toString() ?? '')).toEqual({ thingId: 'ORDER-1' });
  });

  it('when a structured CloudEvent is posted, then 202 and the record is the same event in Kafka binary mode', async () => {
    const answer = await fetch(`${ingressUrl}/_bus/topics/${TOPIC}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(event().toJSON()),
    });
    expect(answer.status).toBe(202);
    await vi.waitFor(() => expect(records).toHaveLength(1));
    expect(records[0]?.key).toBe('ORDER-1');
    expect(records[0]?.headers).toMatchObject({ ce_id: 'evt-1', ce_type: 'ahs.test.thing.happened', ce_partitionkey: 'ORDER-1' });
    expect(JSON.parse(records[0]?.value.toString() ?? '')).toEqual({ thingId: 'ORDER-1' });
  });

  it('when a raw JSON value is posted with x-record-key, then the record has that key, the body as value and no ce_ headers', async () => {
    const body = '{"orderNumber":"FR-0318-221045"}';
    const answer = await fetch(`${ingressUrl}/_bus/topics/sales.raw.order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-record-key': 'FR-0318-221045' },
      body,
    });
    expect(answer.status).toBe(202);
    await vi.waitFor(() => expect(records).toHaveLength(1));
    expect(records[0]).toMatchObject({ topic: 'sales.raw.order', key: 'FR-0318-221045' });
    expect(records[0]?.value.toString()).toBe(body);
    expect(Object.keys(records[0]?.headers ?? {}).filter((h) => h.startsWith('ce_'))).toEqual([]);
  });

  it('when the topic is not in the catalog, then 404 and nothing is published', async () => {
    const { headers, body } = toHttpBinary(event());
    const answer = await fetch(`${ingressUrl}/_bus/topics/no.such.topic`, { method: 'POST', headers, body });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: 'not_found', message: 'unknown topic "no.such.topic"' });
    expect(records).toEqual([]);
  });

  it('when a binary CloudEvent has ce-id but no ce-type, then 400 and nothing is published', async () => {
    const answer = await fetch(`${ingressUrl}/_bus/topics/${TOPIC}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ce-id': 'evt-2', 'ce-source': '/sales/test', 'ce-specversion': '1.0' },
      body: '{"thingId":"ORDER-2"}',
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_event' });
    // a good event published afterwards is the first and only record
    const { headers, body } = toHttpBinary(event());
    await fetch(`${ingressUrl}/_bus/topics/${TOPIC}`, { method: 'POST', headers, body });
    await vi.waitFor(() => expect(records).toHaveLength(1));
    expect(records[0]?.headers.ce_id).toBe('evt-1');
  });
});

describe('ingress: status and functions', () => {
  it('when GET /_mesh, then the mesh status is answered as JSON', async () => {
    const answer = await fetch(`${ingressUrl}/_mesh`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ bus: 'embedded', functions: ['orders', 'down'] });
  });

  it('when /{function}/path?query is called, then the function gets method, headers, body and query without the prefix, and its answer comes back', async () => {
    const answer = await fetch(`${ingressUrl}/orders/api/v1/orders?x=1&y=two`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0k3n', 'x-request-id': 'req-9' },
      body: '{"status":"CONFIRMED"}',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-function')).toBe('orders');
    expect(await answer.json()).toEqual({ created: 'SO-1' });
    expect(echoed).toHaveLength(1);
    expect(echoed[0]).toMatchObject({ method: 'PUT', url: '/api/v1/orders?x=1&y=two', body: '{"status":"CONFIRMED"}' });
    expect(echoed[0]?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t0k3n', 'x-request-id': 'req-9' });
  });

  it('when no function has that name, then 404 naming it and nothing is proxied', async () => {
    const answer = await fetch(`${ingressUrl}/billing/api/v1/invoices`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: 'not_found', message: 'no function named "billing"' });
    expect(echoed).toEqual([]);
  });

  it('when the function is down, then 502', async () => {
    const answer = await fetch(`${ingressUrl}/down/healthz`);
    expect(answer.status).toBe(502);
    expect(await answer.json()).toMatchObject({ error: 'bad_gateway' });
  });
});
