import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventPublisher, OutgoingEvent, RelayLoop } from '../../shared/outbox';
import { makeHttpBusPublisher } from '../../shared/outbox/http-bus-publisher';
import { cloudEvent, startFunction } from '../../test/support/function-server';
import { outboxRelayFunction } from './function';
import { publisherFromConfig } from './publisher';

const kafka = vi.hoisted(() => ({
  publisher: { publish: () => Promise.resolve(), close: () => Promise.resolve() },
  options: [] as unknown[],
}));

// No broker in a function test: the Kafka publisher is replaced by a marker, to see which one is picked.
vi.mock('../../shared/outbox/kafka-publisher', () => ({
  makeKafkaPublisher: (options: unknown) => {
    kafka.options.push(options);
    return kafka.publisher;
  },
}));

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the local mesh's bus: records each request and answers `status`. */
async function startBus() {
  const received: Received[] = [];
  const bus = { url: '', received, status: 202 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(bus.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bus.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return bus;
}

function outgoing(topic: string, id: string, data: unknown, traceHeaders: Record<string, string> = {}): OutgoingEvent {
  const event = cloudEvent({ type: 'ahs.orders.service-order.created', source: '/functions/order-intake', id, partitionkey: `order-${id}`, data });
  return { topic, event, traceHeaders };
}

describe('outbox-relay HTTP side', () => {
  const stats: ReturnType<RelayLoop['stats']> = { published: 42, failures: 3, lastError: 'bus refused ahs.orders.service-order.created e1: HTTP 503' };
  const loop: RelayLoop = { stop: () => Promise.resolve(), poke: () => undefined, stats: () => ({ ...stats }) };
  let url = '';
  beforeAll(async () => {
    url = await startFunction(
      'outbox-relay',
      outboxRelayFunction(() => loop.stats()),
    );
  });

  it('when GET /healthz, then 200 ok', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it("when GET /stats, then the loop's counters and last error", async () => {
    const response = await fetch(`${url}/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(stats);
  });

  it('when the loop counts more, then /stats follows', async () => {
    stats.published += 1;
    stats.lastError = null;
    expect(await (await fetch(`${url}/stats`)).json()).toMatchObject({ published: 43, lastError: null });
  });

  it.each(['/', '/metrics', '/stats/extra'])('when GET %s, then 404', async (path) => {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it.each(['POST', 'PUT', 'DELETE'])('when %s /stats, then 405', async (method) => {
    const response = await fetch(`${url}/stats`, { method, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
  });
});

describe('publisherFromConfig', () => {
  const clientId = 'ahs-outbox-relay';
  beforeEach(() => {
    kafka.options.length = 0;
  });

  it('when KAFKA_BROKERS is set, then Kafka is used (even with EVENT_BUS_URL set)', () => {
    const publisher = publisherFromConfig({ KAFKA_BROKERS: ['kafka-0:9092', 'kafka-1:9092'], KAFKA_CLIENT_ID: clientId, EVENT_BUS_URL: 'http://127.0.0.1:1' });
    expect(publisher).toBe(kafka.publisher);
    expect(kafka.options).toEqual([{ brokers: ['kafka-0:9092', 'kafka-1:9092'], clientId }]);
  });

  it('when only EVENT_BUS_URL is set, then the HTTP bus is used', async () => {
    const bus = await startBus();
    for (const KAFKA_BROKERS of [undefined, []]) {
      const publisher = publisherFromConfig({ KAFKA_BROKERS, KAFKA_CLIENT_ID: clientId, EVENT_BUS_URL: bus.url });
      expect(publisher).not.toBe(kafka.publisher);
      await publisher.publish([outgoing('ahs.orders.service-order.created', 'e-bus', { n: 1 })]);
    }
    expect(kafka.options).toEqual([]);
    expect(bus.received.map((r) => r.url)).toEqual(['/topics/ahs.orders.service-order.created', '/topics/ahs.orders.service-order.created']);
  });

  it('when neither is set, then it throws naming both variables', () => {
    expect(() => publisherFromConfig({ KAFKA_CLIENT_ID: clientId })).toThrow(/KAFKA_BROKERS.*EVENT_BUS_URL/);
    expect(() => publisherFromConfig({ KAFKA_BROKERS: [], KAFKA_CLIENT_ID: clientId })).toThrow(/KAFKA_BROKERS/);
  });
});

describe('the HTTP bus publisher', () => {
  let bus: Awaited<ReturnType<typeof startBus>>;
  let publisher: EventPublisher;
  beforeAll(async () => {
    bus = await startBus();
    publisher = makeHttpBusPublisher(bus.url);
  });
  beforeEach(() => {
    bus.received.length = 0;
    bus.status = 202;
  });

  it('when it publishes, then each event is POSTed in binary mode to /topics/{topic}, in order', async () => {
    await publisher.publish([
      outgoing('ahs.orders.service-order.created', 'e1', { serviceOrderId: 'o1' }, { 'x-datadog-trace-id': '123' }),
      outgoing('ahs.orders.service-order.updated', 'e2', { serviceOrderId: 'o1', revision: 2 }),
    ]);
    expect(bus.received.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/topics/ahs.orders.service-order.created'],
      ['POST', '/topics/ahs.orders.service-order.updated'],
    ]);
    const [first, second] = bus.received;
    expect(first?.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-type': 'ahs.orders.service-order.created',
      'ce-source': '/functions/order-intake',
      'ce-partitionkey': 'order-e1',
      'content-type': expect.stringContaining('application/json') as string,
      'x-datadog-trace-id': '123',
    });
    expect(JSON.parse(first?.body ?? '')).toEqual({ serviceOrderId: 'o1' });
    expect(second?.headers).toMatchObject({ 'ce-id': 'e2' });
    expect(second?.headers).not.toHaveProperty('x-datadog-trace-id');
    expect(JSON.parse(second?.body ?? '')).toEqual({ serviceOrderId: 'o1', revision: 2 });
  });

  it("when a trace header collides with a CloudEvent header, then the event's own header wins", async () => {
    await publisher.publish([outgoing('t.a.b', 'e3', {}, { 'ce-id': 'spoofed' })]);
    expect(bus.received[0]?.headers['ce-id']).toBe('e3');
  });

  it('when the topic has characters unsafe in a path, then it is encoded', async () => {
    await publisher.publish([outgoing('odd/topic name', 'e4', {})]);
    expect(bus.received[0]?.url).toBe('/topics/odd%2Ftopic%20name');
  });

  it('when the bus answers non-2xx, then publish throws and stops at that event', async () => {
    bus.status = 503;
    await expect(publisher.publish([outgoing('t.a.b', 'e5', {}), outgoing('t.a.b', 'e6', {})])).rejects.toThrow(
      'bus refused ahs.orders.service-order.created e5: HTTP 503',
    );
    expect(bus.received.map((r) => r.headers['ce-id'])).toEqual(['e5']);
  });

  it('when the bus is down, then publish throws', async () => {
    const down = makeHttpBusPublisher('http://127.0.0.1:1');
    await expect(down.publish([outgoing('t.a.b', 'e7', {})])).rejects.toThrow();
  });

  it('when there is nothing to publish, then nothing is sent', async () => {
    await publisher.publish([]);
    await publisher.close();
    expect(bus.received).toEqual([]);
  });
});
