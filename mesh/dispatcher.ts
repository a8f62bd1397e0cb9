import http from 'node:http';
import { CloudEvent } from 'cloudevents';
import { toHttpBinary } from '../shared/cloudevents/http';
import { retryDelayMs, type SubscriptionManifest } from '../knative/manifests';
import type { Bus, DeliveredRecord } from './bus/bus';
import { recordToEvent } from './delivery';

export interface DispatcherOptions {
  bus: Bus;
  subscriptions: readonly SubscriptionManifest[];
  /** Base URL of a Knative Service by name (the function's own port in the mesh). */
  serviceUrl(name: string): string;
  log(line: string): void;
  /** Multiplies every backoff delay; tests shorten them without changing the manifests. */
  backoffScale?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Delivers bus records to functions as the knative/ KafkaSources say: POST in HTTP binary
 * mode; 2xx = done; 400 = permanent, straight to the dead letter sink; anything else is
 * retried `delivery.retry` times with the manifest's backoff, then dead-lettered with the
 * Knative error extensions (knativeerrordest, knativeerrorcode, knativeerrordata).
 */
export async function startDispatcher(options: DispatcherOptions): Promise<{ stop(): void }> {
  let stopped = false;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const scale = options.backoffScale ?? 1;
  for (const subscription of options.subscriptions) {
    await options.bus.subscribe({
      group: subscription.consumerGroup,
      topics: subscription.topics,
      handle: (record) => (stopped ? Promise.resolve() : deliver(subscription, record)),
    });
  }
  return { stop: () => void (stopped = true) };

  async function deliver(subscription: SubscriptionManifest, record: DeliveredRecord): Promise<void> {
    const event = recordToEvent(record, subscription.name);
    const destination = `${options.serviceUrl(subscription.service)}${subscription.path}`;
    let last = { status: 0, body: '' };
    for (let attempt = 0; attempt <= subscription.delivery.retry; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs(subscription.delivery, attempt) * scale);
      // checked after the backoff pause: stop() may come while a retry waits
      if (stopped) throw new Error('dispatcher stopped; the record stays on the bus');
      last = await post(destination, event);
      if (last.status >= 200 && last.status < 300) return;
      options.log(
        `${subscription.name}: ${event.type} ${event.id} → ${subscription.service} answered ${last.status || 'no answer'}${last.status === 400 ? ' (permanent)' : ''}`,
      );
      if (last.status === 400) break;
    }
    await deadLetter(subscription, event, destination, last);
  }

  async function deadLetter(
    subscription: SubscriptionManifest,
    event: CloudEvent<unknown>,
    destination: string,
    last: { status: number; body: string },
  ): Promise<void> {
    const sink = subscription.delivery.deadLetterService;
    if (!sink) {
      options.log(`${subscription.name}: ${event.type} ${event.id} dropped (no dead letter sink)`);
      return;
    }
    const failed = event.cloneWith(
      {
        knativeerrordest: destination,
        knativeerrorcode: String(last.status),
        ...(last.body ? { knativeerrordata: Buffer.from(last.body).toString('base64') } : {}),
      },
      false,
    );
    for (let attempt = 0; ; attempt++) {
      if (stopped) throw new Error('dispatcher stopped; the record stays on the bus');
      const answer = await post(`${options.serviceUrl(sink)}/`, failed);
      if (answer.status >= 200 && answer.status < 300) {
        options.log(`${subscription.name}: ${event.type} ${event.id} dead-lettered to ${sink}`);
        return;
      }
      await sleep(Math.min(30_000, retryDelayMs(subscription.delivery, Math.min(attempt + 1, 10)) * scale));
    }
  }
}

/**
 * Deliveries go over kept-alive node:http connections: undici's fetch cost the dispatcher about
 * half a millisecond of CPU per record (npm run bench:events, the dispatcher's profile), a
 * KafkaSource's whole budget for a small event. A kept-alive socket the function closed while
 * idle fails before any answer: the same POST is sent once more on a fresh one.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

async function post(url: string, event: CloudEvent<unknown>): Promise<{ status: number; body: string }> {
  const { headers, body } = toHttpBinary(event);
  const send = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  try {
    return await send().catch((error: { code?: string; reusedSocket?: boolean }) => {
      if (error.reusedSocket && error.code === 'ECONNRESET') return send();
      throw error;
    });
  } catch {
    return { status: 0, body: '' };
  }
}
