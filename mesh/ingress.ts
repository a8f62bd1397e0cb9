import http from 'node:http';
import { fromHttp } from '../shared/cloudevents/http';
import { toKafkaRecord, type KafkaRecord } from '../shared/cloudevents/kafka';
import type { Bus } from './bus/bus';

export interface IngressOptions {
  port: number;
  bus: Bus;
  /** Topics the bus accepts: the event catalog's. */
  topics: ReadonlySet<string>;
  /** Function name → its local URL. */
  routes: ReadonlyMap<string, string>;
  status(): unknown;
}

/**
 * One port for the whole mesh, like the Knative ingress: `/{function}/...` is proxied to
 * that function with the prefix removed; `POST /_bus/topics/{topic}` publishes a record on
 * the bus (a CloudEvent in binary or structured mode, or a raw JSON value with its key in
 * `x-record-key`, as a sales system writes to Kafka); `GET /_mesh` tells what runs where.
 */
export function startIngress(options: IngressOptions): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mesh');
    const [, first = '', ...rest] = url.pathname.split('/');
    if (first === '_mesh' || url.pathname === '/') return json(res, 200, options.status());
    if (first === '_bus') {
      return void publish(req, res, rest, options).catch((error: unknown) => json(res, 400, { error: 'invalid_request', message: (error as Error).message }));
    }
    const target = options.routes.get(first);
    if (!target) return json(res, 404, { error: 'not_found', message: `no function named "${first}"` });
    proxy(req, res, `${target}/${rest.join('/')}${url.search}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}

async function publish(req: http.IncomingMessage, res: http.ServerResponse, rest: string[], options: IngressOptions) {
  const [kind, topic] = rest;
  if (req.method !== 'POST' || kind !== 'topics' || !topic) {
    return json(res, 404, { error: 'not_found', message: 'POST /_bus/topics/{topic}' });
  }
  if (!options.topics.has(topic)) return json(res, 404, { error: 'not_found', message: `unknown topic "${topic}"` });
  const body = await readBody(req);
  let record: KafkaRecord;
  try {
    record = toRecord(req.headers, body);
  } catch (error) {
    return json(res, 400, { error: 'invalid_event', message: (error as Error).message });
  }
  try {
    await options.bus.publish(topic, record);
    json(res, 202, { published: true, topic, key: record.key });
  } catch (error) {
    json(res, 503, { error: 'unavailable', message: (error as Error).message });
  }
}

function toRecord(headers: http.IncomingHttpHeaders, body: Buffer): KafkaRecord {
  const isCloudEvent = 'ce-id' in headers || (headers['content-type'] ?? '').startsWith('application/cloudevents');
  if (isCloudEvent) return toKafkaRecord(fromHttp(headers, body));
  const key = headers['x-record-key'];
  return { key: typeof key === 'string' ? key : null, value: body, headers: { 'content-type': headers['content-type'] ?? 'application/json' } };
}

function proxy(req: http.IncomingMessage, res: http.ServerResponse, target: string) {
  const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => json(res, 502, { error: 'bad_gateway', message: 'function not reachable' }));
  req.pipe(upstream);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return res.end();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}
