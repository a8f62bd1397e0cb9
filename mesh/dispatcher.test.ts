import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../events/define';
import { retryDelayMs, type SubscriptionManifest } from '../knative/manifests';
import { buildEvent, toKafkaRecord } from '../shared/cloudevents';
import { freePort } from '../test/support/ports';
import type { Bus } from './bus/bus';
import { makeInMemoryBus } from './bus/in-memory-bus';
import { startDispatcher } from './dispatcher';

const TOPIC = 'test.thing.happened';

const thingHappened = defineEvent({
  topic: TOPIC,
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({ thingId: z.string().min(1), step: z.string() }),
  partitionKey: (d) => d.thingId,
});

const thing = (thingId: string, step: string, id = `${thingId}-${step}`) => buildEvent(thingHappened, { thingId, step }, { source: '/functions/test', id });

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  url: string;
  requests: Received[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.close(() => r());
          s.closeAllConnections();
        }),
    ),
  );
});

/** A local HTTP server that records each request and answers what `answer` says. */
async function server(answer: (request: Received, index: number) => { status: number; body?: string }): Promise<TestServer> {
  const requests: Received[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(request);
      const { status, body = '' } = answer(request, requests.length - 1);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests };
}

const ok = () => ({ status: 202 });

function subscription(overrides: { retry?: number; deadLetterService?: string | null } = {}): SubscriptionManifest {
  return {
    name: 'things-to-sink',
    service: 'sink',
    path: '/events/things',
    topics: [TOPIC],
    consumerGroup: 'things-sink',
    ordering: 'ordered',
    delivery: {
      retry: overrides.retry ?? 3,
      backoffPolicy: 'exponential',
      backoffDelayMs: 10,
      deadLetterService: overrides.deadLetterService === undefined ? 'dead-letters' : overrides.deadLetterService,
    },
  };
}

const BACKOFF_SCALE = 0.5;

async function start(options: { sink: string; deadLetters?: string; manifest?: SubscriptionManifest; sleep?: (ms: number) => Promise<void> }) {
  const errors: unknown[] = [];
  const logs: string[] = [];
  const delays: number[] = [];
  const bus: Bus = makeInMemoryBus({ onError: (e) => errors.push(e) });
  const manifest = options.manifest ?? subscription();
  const urls = new Map([['sink', options.sink], ...(options.deadLetters ? [['dead-letters', options.deadLetters] as const] : [])]);
  const dispatcher = await startDispatcher({
    bus,
    subscriptions: [manifest],
    serviceUrl: (name) => {
      const url = urls.get(name);
      if (!url) throw new Error(`no service ${name}`);
      return url;
    },
    log: (line) => logs.push(line),
    backoffScale: BACKOFF_SCALE,
    sleep: options.sleep ?? ((ms) => (delays.push(ms), Promise.resolve())),
  });
  return { bus, dispatcher, manifest, errors, logs, delays };
}

describe('dispatcher', () => {
  it('when the sink answers 2xx, then the event is delivered once and nothing is dead-lettered', async () => {
    const sink = await server(ok);
    const dls = await server(ok);
    const { bus, errors, delays } = await start({ sink: sink.url, deadLetters: dls.url });
    await bus.publish(TOPIC, toKafkaRecord(thing('T-1', 'created')));
    await bus.close();
    expect(sink.requests.map((r) => [r.method, r.url, r.headers['ce-id']])).toEqual([['POST', '/events/things', 'T-1-created']]);
    expect(dls.requests).toEqual([]);
    expect(delays).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('when the function closed a kept-alive connection as it was reused, then the record is sent again on a new one, without a retry', async () => {
    // The race a kept-alive connection has: the server drops it just as the next POST goes out.
    const seen = new WeakSet<object>();
    const received: string[] = [];
    let dropped = 0;
    const s = http.createServer((req, res) => {
      if (seen.has(req.socket) && dropped === 0) {
        dropped += 1;
        req.socket.destroy();
        return;
      }
      seen.add(req.socket);
      req.resume().on('end', () => {
        received.push(String(req.headers['ce-id']));
        res.writeHead(202).end();
      });
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const dls = await server(ok);
    const { bus, errors, delays, logs } = await start({ sink: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, deadLetters: dls.url });
    await bus.publish(TOPIC, toKafkaRecord(thing('K-1', 'created')));
    await bus.publish(TOPIC, toKafkaRecord(thing('K-1', 'updated')));
    await bus.close();
    expect(dropped).toBe(1);
    expect(received).toEqual(['K-1-created', 'K-1-updated']);
    expect({ delays, logs, errors, deadLettered: dls.requests.length }).toEqual({ delays: [], logs: [], errors: [], deadLettered: 0 });
  });

  it('when the event is delivered, then it arrives in HTTP binary mode: ce-* headers and the JSON data as body', async () => {
    const sink = await server(ok);
    const { bus } = await start({ sink: sink.url });
    const event = thing('T-2', 'created');
    await bus.publish(TOPIC, toKafkaRecord(event));
    await bus.close();
    const [request] = sink.requests;
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'ce-id': 'T-2-created',
      'ce-type': 'ahs.test.thing.happened',
      'ce-source': '/functions/test',
      'ce-specversion': '1.0',
      'ce-partitionkey': 'T-2',
      'ce-time': event.time,
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ thingId: 'T-2', step: 'created' });
  });

  it('when the sink answers 400, then it is tried once and dead-lettered with the Knative error extensions', async () => {
    const sink = await server(() => ({ status: 400, body: '{"error":"invalid_input","message":"step is unknown"}' }));
    const dls = await server(ok);
    const { bus, delays, errors } = await start({ sink: sink.url, deadLetters: dls.url });
    await bus.publish(TOPIC, toKafkaRecord(thing('T-3', 'bogus')));
    await bus.close();

    expect(sink.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(dls.requests).toHaveLength(1);
    const [dead] = dls.requests;
    expect(dead?.headers).toMatchObject({
      'ce-id': 'T-3-bogus',
      'ce-type': 'ahs.test.thing.happened',
      'ce-knativeerrorcode': '400',
      'ce-knativeerrordest': `${sink.url}/events/things`,
      'ce-knativeerrordata': Buffer.from('{"error":"invalid_input","message":"step is unknown"}').toString('base64'),
    });
    expect(JSON.parse(dead?.body ?? '')).toEqual({ thingId: 'T-3', step: 'bogus' });
    expect(errors).toEqual([]);
  });

  it("when the sink keeps answering 500, then it is tried 1 + retry times with the manifest's scaled backoff, then dead-lettered", async () => {
    const sink = await server(() => ({ status: 500, body: 'database down' }));
    const dls = await server(ok);
    const { bus, delays, manifest } = await start({ sink: sink.url, deadLetters: dls.url });
    await bus.publish(TOPIC, toKafkaRecord(thing('T-4', 'created')));
    await bus.close();

    expect(sink.requests).toHaveLength(1 + manifest.delivery.retry);
    expect(sink.requests.every((r) => r.headers['ce-id'] === 'T-4-created')).toBe(true);
    expect(delays).toEqual([1, 2, 3].map((n) => retryDelayMs(manifest.delivery, n) * BACKOFF_SCALE));
    expect(delays).toEqual([10, 20, 40]); // 10 ms * 2^n, halved
    expect(dls.requests.map((r) => [r.headers['ce-id'], r.headers['ce-knativeerrorcode'], r.headers['ce-knativeerrordata']])).toEqual([
      ['T-4-created', '500', Buffer.from('database down').toString('base64')],
    ]);
  });

  it('when the sink answers 503 once and then 200, then the event is delivered on the retry and nothing is dead-lettered', async () => {
    const sink = await server((_r, i) => ({ status: i === 0 ? 503 : 200 }));
    const dls = await server(ok);
    const { bus, delays, manifest } = await start({ sink: sink.url, deadLetters: dls.url });
    await bus.publish(TOPIC, toKafkaRecord(thing('T-5', 'created')));
    await bus.close();
    expect(sink.requests).toHaveLength(2);
    expect(delays).toEqual([retryDelayMs(manifest.delivery, 1) * BACKOFF_SCALE]);
    expect(dls.requests).toEqual([]);
  });

  it('when the sink is unreachable, then it is retried and dead-lettered with error code 0 and no error data', async () => {
    const closedPort = await freePort();
    const dls = await server(ok);
    const { bus, delays, logs, errors } = await start({ sink: `http://127.0.0.1:${closedPort}`, deadLetters: dls.url });
    await bus.publish(TOPIC, toKafkaRecord(thing('T-6', 'created')));
    await bus.close();

    expect(delays).toEqual([10, 20, 40]);
    expect(logs.filter((l) => l.includes('T-6-created') && l.includes('no answer'))).toHaveLength(4);
    expect(dls.requests).toHaveLength(1);
    expect(dls.requests[0]?.headers).toMatchObject({
      'ce-id': 'T-6-created',
      'ce-knativeerrorcode': '0',
      'ce-knativeerrordest': `http://127.0.0.1:${closedPort}/events/things`,
    });
    expect(dls.requests[0]?.headers).not.toHaveProperty('ce-knativeerrordata');
    expect(errors).toEqual([]);
  });

  it('when there is no dead letter service, then a failing event is dropped after its retries without an error', async () => {
    const sink = await server(() => ({ status: 500 }));
    const { bus, errors, logs } = await start({ sink: sink.url, manifest: subscription({ deadLetterService: null }) });
    await bus.publish(TOPIC, toKafkaRecord(thing('T-7', 'created')));
    await bus.close();
    expect(sink.requests).toHaveLength(4);
    expect(errors).toEqual([]);
    expect(logs.at(-1)).toMatch(/T-7-created dropped \(no dead letter sink\)/);
  });

  it("when a key's first event fails twice before it succeeds, then its next event arrives only after that success", async () => {
    let failuresLeft = 2;
    const sink = await server((r) => {
      if (r.headers['ce-id'] === 'K-A' && failuresLeft > 0) {
        failuresLeft--;
        return { status: 503 };
      }
      return { status: 200 };
    });
    const { bus } = await start({ sink: sink.url, deadLetters: (await server(ok)).url });
    await bus.publish(TOPIC, toKafkaRecord(thing('K', 'first', 'K-A')));
    await bus.publish(TOPIC, toKafkaRecord(thing('K', 'second', 'K-B')));
    await bus.close();
    expect(sink.requests.map((r) => r.headers['ce-id'])).toEqual(['K-A', 'K-A', 'K-A', 'K-B']);
  });

  it('when stop() is called while a delivery waits for its retry, then no further attempt is made and later records are not delivered', async () => {
    const sink = await server(() => ({ status: 500 }));
    const dls = await server(ok);
    let wakeUp = () => {};
    let sleeping = () => {};
    const asleep = new Promise<void>((r) => (sleeping = r));
    const sleep = () =>
      new Promise<void>((r) => {
        wakeUp = r;
        sleeping();
      });
    const { bus, dispatcher, errors } = await start({ sink: sink.url, deadLetters: dls.url, sleep });

    await bus.publish(TOPIC, toKafkaRecord(thing('S-1', 'created')));
    await asleep;
    dispatcher.stop();
    await bus.publish(TOPIC, toKafkaRecord(thing('S-2', 'created')));
    wakeUp();
    await bus.close();

    expect(sink.requests.map((r) => r.headers['ce-id'])).toEqual(['S-1-created']);
    expect(dls.requests).toEqual([]);
    expect(errors).toEqual([new Error('dispatcher stopped; the record stays on the bus')]);
  });
});
