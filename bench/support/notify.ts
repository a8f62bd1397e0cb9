import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { loadServices } from '../../knative/manifests';
import { waitReady } from '../../mesh/processes';
import type { Db } from '../../shared/db';

const ROOT = path.resolve(__dirname, '..', '..');
export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * `orders` Spanish service orders, each with its own customer and mobile number (+34 600 0xx xxx),
 * for the storm: the sender reads the contact of each message from orders.customers.
 */
export async function seedOrders(db: Db, orders: number): Promise<{ id: string; customerId: string }[]> {
  const { rows } = await db.query<{ id: string; customer_id: string }>(
    `WITH bu AS (SELECT b.id AS bu_id, s.id AS store_id FROM org.business_units b JOIN org.stores s ON s.business_unit_id = b.id
                  WHERE b.country_code = 'ES' ORDER BY b.code, s.code LIMIT 1),
          c AS (INSERT INTO orders.customers (sales_system, external_customer_id, country_code, full_name, phone, street, postal_code, city, address_key)
                SELECT 'BENCH', 'bench-' || g || '-' || $2, 'ES', 'Cliente ' || g, '+34600' || lpad(g::text, 6, '0'), 'Calle Mayor 1', '28013', 'Madrid', 'bench-' || g || '-' || $2
                  FROM generate_series(1, $1) g RETURNING id, external_customer_id)
     INSERT INTO orders.service_orders (id, status, country_code, business_unit_id, store_id, customer_id, revision, technical_visit_required,
                                        contact_deadline, sold_at, sales_system, sales_order_id)
     SELECT gen_random_uuid(), 'CREATED', 'ES', bu.bu_id, bu.store_id, c.id, 1, false, now() + interval '2 days', now(), 'BENCH', c.external_customer_id
       FROM c CROSS JOIN bu RETURNING id, customer_id`,
    [orders, randomUUID().slice(0, 8)],
  );
  return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
}

/** A customer's SMS request: transactional (the contract to sign) or bulk (the satisfaction survey). */
export function smsRequest(order: { id: string; customerId: string }, transactional: boolean) {
  return {
    requestId: randomUUID(),
    channel: 'sms',
    recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
    locale: 'es',
    ...(transactional
      ? { templateId: 'contract.signature-reminder', parameters: { orderReference: `BENCH-${order.id.slice(0, 8)}` } }
      : { templateId: 'orders.satisfaction-survey', parameters: { orderReference: `BENCH-${order.id.slice(0, 8)}`, surveyUrl: 'https://ahs.example/s/x' } }),
  };
}

/** POSTs a CloudEvent (binary mode) as Knative's delivery does; resolves with the status and latency. */
export function post(port: number, pathname: string, headers: Record<string, string>, body: string): Promise<{ status: number; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

export function postEvent(port: number, type: string, data: unknown) {
  return post(
    port,
    '/',
    { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': '/bench/notify', 'ce-type': type },
    JSON.stringify(data),
  );
}

/** Runs `count` calls of `call` with at most `concurrency` in flight. */
export async function inParallel<T>(count: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

/** A function's built bundle as its own process, as the mesh runs it (DB_POOL_MAX = its containerConcurrency). */
export async function spawnBundle(name: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const concurrency = loadServices(ROOT).find((s) => s.name === name)?.containerConcurrency ?? 20;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'functions', name, 'index.js')], {
    env: { ...process.env, PORT: String(port), LISTEN_HOST: '127.0.0.1', DB_POOL_MAX: String(concurrency), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(`http://127.0.0.1:${port}`);
  return child;
}

export async function stopBundle(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export async function until(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
